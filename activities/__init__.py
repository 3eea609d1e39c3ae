"""Side effects: e-mail, persistence through the data layer (store/), the payment gateway, site lookups.

The list the worker registers is activities/registry.py; this package itself imports nothing, so that a module of
it (the mail delivery the API shares) comes without the rest.
"""

"""The processes, one module each; deterministic code only (imports models/ and nothing with I/O).

The list the worker registers is in workflows/registry.py: this package stays empty because the workflow sandbox
re-imports it for every workflow run.
"""

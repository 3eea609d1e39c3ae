"""Webex Assist (seed 004) on the web: the JSON API (api.py) and the customers' pages (pages.py: order, find,
update, cancel), on the web kit in the Assist portal's frame (portal.py)."""

"""Webex Assist (seed 004) on the web: the JSON API, and the customers' pages (order, find, update, cancel)."""

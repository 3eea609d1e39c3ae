"""Webex Assist for customers (seed 004) as web pages: order, find my booking, update date/time, cancel, compare
the packages. `install(app)` adds them to the HTTP API at /assist (see starter/assist_web/pages.py)."""

from __future__ import annotations

from starter.assist_web.pages import install

__all__ = ["install"]

"""HTTP API and (later) the web pages."""

from starter.api.app import create_app

__all__ = ["create_app"]

"""Seat orders (seed 002) on the web: the JSON API, and the seat portal's pages in the enterprise admin portal."""

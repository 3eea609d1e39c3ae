"""Server-rendered web pages: the Set Up Now wizard at /setup/<token> (FastAPI + Jinja2, no JavaScript needed)."""

"""The one web layer: a FastAPI app (app.py) assembled from each process's routers, the dependencies every route
takes (deps.py), one error shape (errors.py), and one way to render pages and read forms."""

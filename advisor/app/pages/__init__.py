"""Dashboard pages: each a ``render_*`` function that draws results computed by advisor."""

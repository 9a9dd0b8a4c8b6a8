"""``python -m tools.services.coder [--transport stdio|http] [--host 127.0.0.1] [--port 8101]``."""

from tools.services.serve import serve

if __name__ == "__main__":
    serve("coder", 8101)

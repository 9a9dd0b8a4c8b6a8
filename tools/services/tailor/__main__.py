"""``python -m tools.services.tailor [--transport stdio|http] [--host 127.0.0.1] [--port 8102]``."""

from tools.services.serve import serve

if __name__ == "__main__":
    serve("tailor", 8102)

"""Benchmarks (``make bench``): AWE measured side by side with raw Celery on the same broker."""

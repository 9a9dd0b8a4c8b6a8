import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")

from observability import tracing

tracing.setup("web")  # before Django loads its middleware: the Django instrumentation adds its own
application = get_asgi_application()

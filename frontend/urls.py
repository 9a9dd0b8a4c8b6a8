from django.urls import path, re_path

from frontend import views

urlpatterns = [
    path("", views.index, name="frontend"),
    # Front-end routes fall back to the app; API, admin and static keep their own paths.
    re_path(r"^(?P<route>(?!api/|admin/|static/|healthz|readyz|metrics).*)$", views.index),
]

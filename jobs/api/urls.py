from django.urls import path
from rest_framework.routers import SimpleRouter

from jobs.api import session, streams, views

router = SimpleRouter(trailing_slash=False)
router.register("jobs", views.JobViewSet, basename="job")

urlpatterns = [
    path("jobs/<uuid:pk>/events", streams.JobEventsView.as_view(), name="job-events"),
    path("events", streams.UserEventsView.as_view(), name="user-events"),
    path("tools", views.ToolListView.as_view(), name="tools"),
    path("artifacts/download", views.ArtifactDownloadView.as_view(), name="artifact-download"),
    path("workspace/download", views.WorkspaceDownloadView.as_view(), name="workspace-download"),
    *session.urlpatterns,
    *router.urls,
]

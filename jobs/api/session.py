"""Session sign-in for the web app: who am I, sign in, sign out.

``GET /api/auth/me`` always answers 200 (an anonymous caller is described, not refused) and sets
the ``csrftoken`` cookie the web app echoes as ``X-CSRFToken`` on every unsafe request.
Sign-in and sign-out check that token like any session-authenticated call.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.api.auth import LocalUserAuthentication, local_user
from jobs.api.serializers import StrictSerializer

BAD_CREDENTIALS = "The username or password is not correct."


class MeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    authenticated = serializers.BooleanField(help_text="False: API calls are refused until you sign in")
    username = serializers.CharField(allow_null=True)
    is_staff = serializers.BooleanField()
    method = serializers.ChoiceField(
        choices=["session", "token", "local"],
        allow_null=True,
        help_text="How the caller is known; local: the embedded footprint's AWE_LOCAL_USER",
    )
    sign_in_required = serializers.BooleanField(help_text="True when anonymous calls are refused (no AWE_LOCAL_USER)")


class LoginSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


_METHODS: dict[type, str] = {
    SessionAuthentication: "session",
    TokenAuthentication: "token",
    LocalUserAuthentication: "local",
}


def describe(user: Any, method: str | None) -> dict[str, Any]:
    """What ``/api/auth/me`` says about a caller."""
    known = user is not None and user.is_authenticated
    return {
        "authenticated": known,
        "username": user.get_username() if known else None,
        "is_staff": bool(known and user.is_staff),
        "method": method if known else None,
        "sign_in_required": local_user() is None,
    }


def _after_sign_out() -> dict[str, Any]:
    fallback = local_user()
    return describe(fallback, "local" if fallback is not None else None)


def _enforce_csrf(request: Request) -> None:
    """The CSRF check Django applies to forms, for these JSON endpoints (DRF exempts APIViews)."""
    SessionAuthentication().enforce_csrf(request)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    """The current caller, and whether this server needs a sign-in at all."""

    permission_classes = [AllowAny]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        authenticator = request.successful_authenticator
        method = _METHODS.get(type(authenticator)) if authenticator else None
        return Response(describe(request.user, method))


class LoginView(APIView):
    """Sign in with a username and password; the session cookie carries the identity."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=LoginSerializer, responses={200: MeSerializer})
    def post(self, request: Request) -> Response:
        _enforce_csrf(request)
        incoming = LoginSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        raw = request._request
        user = authenticate(
            raw, username=incoming.validated_data["username"], password=incoming.validated_data["password"]
        )
        if user is None:
            return Response({"detail": BAD_CREDENTIALS}, status=status.HTTP_400_BAD_REQUEST)
        login(raw, user)
        return Response(describe(user, "session"))


class LogoutView(APIView):
    """Sign out of the session (a no-op for a caller without one)."""

    permission_classes = [AllowAny]
    # Session only: a signed-in session must send its CSRF token (SessionAuthentication checks it).
    authentication_classes = [SessionAuthentication]

    @extend_schema(request=None, responses={200: MeSerializer})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(_after_sign_out())


urlpatterns = [
    path("auth/me", MeView.as_view(), name="auth-me"),
    path("auth/login", LoginView.as_view(), name="auth-login"),
    path("auth/logout", LogoutView.as_view(), name="auth-logout"),
]

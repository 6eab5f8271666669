from __future__ import annotations

import uuid
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.logging import request_id_var


class RequestIdMiddleware:
    """Tags every log line of a request with one id (taken from X-Request-ID when a proxy sets it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class StaffTwoFactorMiddleware:
    """Staff who have not enrolled a second factor may only reach the enrolment pages."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.ROUNDTABLE_REQUIRE_STAFF_MFA
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not is_mfa_enabled(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.CONTENT_SECURITY_POLICY`` on every response that has none (Django 5.2 has no
    built-in CSP). The portal's pages load only their own vendored scripts and styles, with no inline
    script, inline style or ``eval``; the API documentation pages, whose third-party templates do
    use inline code, get the policy named for their path in ``CONTENT_SECURITY_POLICY_PATHS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            for prefix, path_policy in settings.CONTENT_SECURITY_POLICY_PATHS.items():
                if request.path.startswith(prefix):
                    policy = path_policy
                    break
            response["Content-Security-Policy"] = policy
        return response

from __future__ import annotations

import uuid
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

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


def accept_language(header: str) -> str | None:
    """The first language of an Accept-Language header that the portal ships, or None."""
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class UserLanguageMiddleware:
    """Pages come in the signed-in user's language (their profile's ``language``, which the
    language switcher also sets); without one, LocaleMiddleware's choice (cookie, then browser)
    stands. The API answers in the language of ``Accept-Language`` when the client sends one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = None
        header = request.headers.get("Accept-Language", "")
        if request.path.startswith("/api/") and header:
            language = accept_language(header)
        if language is None:
            user = getattr(request, "user", None)
            preferred = str(getattr(user, "language", "") or "") if user and user.is_authenticated else ""
            if preferred and translation.check_for_language(preferred):
                language = preferred
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


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

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import services
from core.dashboard import dashboard_panels
from core.http import request_user
from core.selectors import api_token_exists, notification_list_unread, worker_last_seen

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "core/home.html",
        {
            "panels": dashboard_panels(request),
            "notifications": notification_list_unread(user)[:10],
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(request, "core/profile.html", {"has_token": api_token_exists(user)})


@login_required
@require_POST
def api_token_reset(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    token = services.api_token_reset(user=user)
    # Shown once, never stored in the page again or logged.
    return render(request, "core/profile.html", {"has_token": True, "new_token": token.key})


def _check(fn: Callable[[], str]) -> dict[str, object]:
    started = time.monotonic()
    try:
        detail = fn()
        status = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        logger.warning("health check failed", extra={"check": fn.__name__, "error": str(exc)})
        status, detail = "error", exc.__class__.__name__
    return {"status": status, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    check = getattr(backend, "health_check", None)
    if check is not None:
        check()  # the tolerant Redis cache hides errors from pages, not from this check
    else:
        backend.set("healthz", "1", 5)
        if backend.get("healthz") != "1":
            raise RuntimeError("cache did not return what was stored")
    return "RedisCache" if isinstance(backend, RedisCache) else type(backend).__name__


def _broker() -> str:
    from celery import current_app  # the project's app (config/celery.py), without importing config

    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return str(conn.transport_cls)


def _worker() -> str:
    beat = worker_last_seen()
    if beat is None:
        return "no heartbeat yet"
    age = (timezone.now() - beat.last_seen).total_seconds()
    return f"last seen {int(age)}s ago"


@never_cache
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's ``set_language`` (cookie, redirect to ``next``), and for a
    signed-in user the profile's language too, so pages, e-mails and PDFs follow the choice."""
    from django.views.i18n import set_language

    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and translation.check_for_language(language):
        services.user_language_set(user=request_user(request), language=language)
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    """What is up and what is down. 503 only when the database is down: without Redis (cache and
    broker) the pages and the API go on serving, so a load balancer must keep this instance."""
    checks = {"database": _check(_database), "cache": _check(_cache), "broker": _check(_broker)}
    checks["worker"] = _check(_worker)  # informative: the web tier stays up while workers restart
    down = [name for name in ("database", "cache", "broker") if checks[name]["status"] != "ok"]
    if "database" in down:
        status, code = "error", 503
    else:
        status, code = ("degraded" if down else "ok"), 200
    return JsonResponse({"status": status, "down": down, "checks": checks}, status=code)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the error may have come from the database or a context processor.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The header search: everything the user may see, by kind, through the permission registry."""
    from core import search as site_search

    q = (request.GET.get("q") or "").strip()[:200]
    only = request.GET.get("kind") or ""
    sections = site_search.search(request_user(request), q, only=only) if site_search.terms(q) else []
    return render(request, "core/search.html", {"q": q, "sections": sections, "only": only})


@login_required
@require_GET
@never_cache
def pick(request: HttpRequest, kind: str) -> HttpResponse:
    """The type-ahead pickers' search (core/pickers.py): at most 20 matches of what the user may see,
    as JSON; an unknown picker is 404."""
    from django.http import Http404

    from core import pickers

    if pickers.get(kind) is None:
        raise Http404
    q = (request.GET.get("q") or "").strip()[:100]
    near = (request.GET.get("near") or "")[:200]
    return JsonResponse({"results": pickers.matches(request_user(request), kind, q, near=near)})

"""The personal dashboard is assembled from panels that each app contributes.

An app lists its panel functions in ``<app>/dashboard.py`` as ``PANELS``; each takes the request
and returns ``None`` (nothing to show) or a dict with ``template`` and its context. Every panel
reads through its app's selectors, so it shows only what the user may see.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest


def dashboard_panels(request: HttpRequest) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = []
    for label in settings.LOCAL_APPS:
        try:
            module = import_module(f"{apps.get_app_config(label).name}.dashboard")
        except ModuleNotFoundError:
            continue
        for panel in getattr(module, "PANELS", []):
            result = panel(request)
            if result:
                panels.append(result)
    return panels


# "Your roles" lists the roles every app gives the user: an app registers a function that takes
# the request and returns ``(role label, what it is held on, url)`` rows (committee chairs from the
# coordination app, for example), so the registry's panel lists them without importing that app.
ROLE_SOURCES: list[Any] = []


def register_roles(func: Any) -> Any:
    ROLE_SOURCES.append(func)
    return func


def contributed_roles(request: HttpRequest) -> list[tuple[str, str, str]]:
    for label in settings.LOCAL_APPS:  # the apps' dashboard modules register their sources
        try:
            import_module(f"{apps.get_app_config(label).name}.dashboard")
        except ModuleNotFoundError:
            continue
    rows: list[tuple[str, str, str]] = []
    for func in ROLE_SOURCES:
        rows.extend(func(request))
    return rows

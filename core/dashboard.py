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

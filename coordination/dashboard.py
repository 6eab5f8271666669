"""Dashboard panels: my committees with their next meetings; my open decisions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coordination import selectors


def my_committees(request: HttpRequest) -> dict[str, Any] | None:
    memberships = selectors.my_committees(request.user)  # type: ignore[arg-type]
    if not memberships:
        return None
    return {"template": "coordination/partials/dashboard_committees.html", "memberships": memberships}


def my_open_decisions(request: HttpRequest) -> dict[str, Any] | None:
    decisions = list(selectors.decisions_open_owned_by(request.user)[:10])  # type: ignore[arg-type]
    if not decisions:
        return None
    return {"template": "coordination/partials/dashboard_decisions.html", "decisions": decisions,
            "today": selectors.today()}


PANELS = [my_committees, my_open_decisions]

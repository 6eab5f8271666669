"""Dashboard panel: items newly shared with me (through the rule; titles only for what I may open)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from infosharing import selectors


def newly_shared(request: HttpRequest) -> dict[str, Any] | None:
    items = selectors.items_newly_shared_with(request.user)
    if not items:
        return None
    return {"template": "infosharing/partials/dashboard_shared.html", "items": items}


PANELS = [newly_shared]

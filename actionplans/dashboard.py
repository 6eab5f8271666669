"""Dashboard panel: my organisation's open actions with their RAG and the reports due."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from actionplans import selectors
from core.pagination import capped_count
from stakeholders.permissions import scopes_for

REVIEW_CAP = 99


def my_actions(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    actions = selectors.my_actions(user, limit=8)  # type: ignore[arg-type]
    # Only coordinators review reports: others are spared the count.
    scopes = scopes_for(user)
    reviews = scopes.is_platform_admin or bool(scopes.coordinator_paths)
    # Counted up to a cap, said as such ("more than 99"): the home page never counts every report.
    to_review = capped_count(selectors.updates_to_review(user), REVIEW_CAP) if reviews else 0  # type: ignore[arg-type]
    if not actions and not to_review:
        return None
    return {
        "template": "actionplans/partials/dashboard_my_actions.html",
        "actions": actions,
        "to_review": to_review,
        "review_cap": REVIEW_CAP,
        "reviews_capped": to_review > REVIEW_CAP,
    }


PANELS = [my_actions]

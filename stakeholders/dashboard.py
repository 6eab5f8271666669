from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.dashboard import contributed_roles
from stakeholders.permissions import scopes_for
from stakeholders.selectors import roles_for_user


def my_roles(request: HttpRequest) -> dict[str, Any] | None:
    roles = roles_for_user(request.user)
    return {
        "template": "stakeholders/partials/dashboard_roles.html",
        "jurisdiction_roles": roles["jurisdiction_roles"],
        "memberships": roles["memberships"],
        "is_platform_admin": scopes_for(request.user).is_platform_admin,
        "other_roles": contributed_roles(request),
    }


PANELS = [my_roles]

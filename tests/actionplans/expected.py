"""What "my actions" must list, by its definition, row by row (for the tests that check the page)."""

from __future__ import annotations

from actionplans.models import Action, ActionGrant, ActionPartner
from core.models import User
from core.permissions import allows, forget


def my_actions_by_definition(user: User) -> list[int]:
    """The open actions the user's organisations lead or partner, those shared with the user, and
    those they own, that the action rule lets them see: soonest due first."""
    forget(user)
    orgs = set(user.organisation_memberships.values_list("organisation_id", flat=True))
    shared = set(
        ActionGrant.objects.filter(
            grantee_kind="user", grantee_id=user.pk, permission__in=["view", "report"], revoked_at__isnull=True
        ).values_list("target_id", flat=True)
    )
    found = []
    for action in Action.objects.filter(status__in=Action.OPEN).select_related("owner").order_by("planned_end", "id"):
        partners = set(ActionPartner.objects.filter(action=action).values_list("organisation_id", flat=True))
        involved = (
            action.lead_organisation_id in orgs
            or partners & orgs
            or action.pk in shared
            or (action.owner is not None and action.owner.user_id == user.pk)
        )
        if involved and allows(user, action):
            found.append(action.pk)
    return found

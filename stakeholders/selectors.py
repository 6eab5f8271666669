"""Reads of the registry, already narrowed to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When

from core.permissions import AnyUser, get_visible_or_404
from stakeholders import permissions
from stakeholders.models import Jurisdiction, Organisation, OrganisationMembership, Sector


def jurisdiction_list_visible_to(user: AnyUser) -> QuerySet[Jurisdiction]:
    return permissions.jurisdictions_visible(user).select_related("parent")


def jurisdiction_get_for_user(user: AnyUser, pk: Any) -> Jurisdiction:
    return get_visible_or_404(jurisdiction_list_visible_to(user), pk=pk)


@dataclass
class TreeNode:
    jurisdiction: Jurisdiction
    organisation_count: int
    children: list[TreeNode] = field(default_factory=list)


def jurisdiction_tree_for_user(user: AnyUser) -> list[TreeNode]:
    """The whole visible tree in one query, with the number of organisations each node holds."""
    visible_orgs = permissions.organisations_visible(user).values("pk")
    rows = jurisdiction_list_visible_to(user).annotate(
        org_count=Count("organisations", filter=Q(organisations__in=visible_orgs))
    )
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for j in rows:  # ordered by path, so a parent always comes before its children
        node = TreeNode(j, j.org_count)  # type: ignore[attr-defined]
        nodes[j.pk] = node
        parent = nodes.get(j.parent_id) if j.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def jurisdiction_ancestors(jurisdiction: Jurisdiction) -> QuerySet[Jurisdiction]:
    ids = [int(p) for p in jurisdiction.path.strip("/").split("/")[:-1] if p]
    return Jurisdiction.objects.filter(pk__in=ids).order_by("depth")


def sector_list() -> QuerySet[Sector]:
    """Sectors are reference data, public to every signed-in user."""
    return Sector.objects.all()


def organisation_list_visible_to(
    user: AnyUser,
    *,
    q: str = "",
    sector: Sector | None = None,
    jurisdiction: Jurisdiction | None = None,
    kind: str = "",
    include_inactive: bool = True,
) -> QuerySet[Organisation]:
    """The directory: visible organisations, filtered; ``jurisdiction`` includes its whole subtree.

    Each row carries ``can_change`` (the same rule as the object check, evaluated in the query).
    """
    qs = permissions.organisations_visible(user).select_related("sector", "jurisdiction")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(acronym__icontains=q) | Q(description__icontains=q))
    if sector is not None:
        qs = qs.filter(sector=sector)
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction__path__startswith=jurisdiction.path)
    if kind:
        qs = qs.filter(kind=kind)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    change_q = permissions.organisations_changeable_q(user)
    can_change = Value(True) if change_q is None else Case(When(change_q, then=Value(True)), default=Value(False))
    return qs.annotate(can_change=can_change)


def organisation_get_for_user(user: AnyUser, pk: Any) -> Organisation:
    return get_visible_or_404(
        permissions.organisations_visible(user).select_related("sector", "jurisdiction", "parent"), pk=pk
    )


def organisation_children_visible_to(user: AnyUser, organisation: Organisation) -> QuerySet[Organisation]:
    return permissions.organisations_visible(user).filter(parent=organisation).select_related("sector")


def organisation_members_for_user(user: AnyUser, organisation: Organisation) -> QuerySet[OrganisationMembership]:
    if not permissions.can_see_organisation_people(user, organisation):
        return OrganisationMembership.objects.none()
    return organisation.memberships.select_related("user").order_by("role", "user__email")




def roles_for_user(user: AnyUser) -> dict[str, Any]:
    """The user's own roles (for the dashboard and profile)."""
    from stakeholders.models import JurisdictionRole

    if not user.is_authenticated:
        return {"jurisdiction_roles": [], "memberships": []}
    return {
        "jurisdiction_roles": list(JurisdictionRole.objects.filter(user=user).select_related("jurisdiction")),
        "memberships": list(OrganisationMembership.objects.filter(user=user).select_related("organisation")),
    }

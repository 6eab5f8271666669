"""Who may do what in the registry. Every rule is a queryset; see core/permissions.py.

Roles (DESIGN.md):
* platform admin: everything;
* coordinator of a jurisdiction: edits jurisdictions below it and organisations in its subtree;
* liaison of a jurisdiction: reads everything in its subtree, changes nothing;
* organisation admin: edits its own organisation; organisation member: reads it;
* any signed-in user: reads the public directory (active organisations, the jurisdiction tree).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from core.models import User
from core.permissions import allowed, granted_ids, subtree_q
from stakeholders.models import (
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationMembership,
    OrganisationUserObjectPermission,
)

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Scopes:
    """The user's roles, read once per request and cached on the user object."""

    is_platform_admin: bool = False
    coordinator_paths: tuple[str, ...] = ()
    liaison_paths: tuple[str, ...] = ()
    admin_organisation_ids: frozenset[int] = frozenset()
    member_organisation_ids: frozenset[int] = frozenset()

    @property
    def read_paths(self) -> tuple[str, ...]:
        return self.coordinator_paths + self.liaison_paths

    @property
    def organisation_ids(self) -> frozenset[int]:
        return self.admin_organisation_ids | self.member_organisation_ids


NO_SCOPES = Scopes()


def scopes_for(user: AnyUser) -> Scopes:
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPES
    cached: Scopes | None = getattr(user, "_roundtable_scopes", None)
    if cached is not None:
        return cached
    coordinator: list[str] = []
    liaison: list[str] = []
    for role, path in JurisdictionRole.objects.filter(user=user).values_list("role", "jurisdiction__path"):
        (coordinator if role == JurisdictionRole.Role.COORDINATOR else liaison).append(path)
    admin_ids: set[int] = set()
    member_ids: set[int] = set()
    for org_id, role in OrganisationMembership.objects.filter(user=user).values_list("organisation_id", "role"):
        (admin_ids if role == OrganisationMembership.Role.ADMIN else member_ids).add(org_id)
    scopes = Scopes(
        is_platform_admin=bool(user.is_superuser),
        coordinator_paths=tuple(coordinator),
        liaison_paths=tuple(liaison),
        admin_organisation_ids=frozenset(admin_ids),
        member_organisation_ids=frozenset(member_ids),
    )
    user._roundtable_scopes = scopes  # type: ignore[union-attr]
    return scopes


def scopes_forget(user: AnyUser) -> None:
    """Drop the cached scopes after the user's roles changed."""
    if hasattr(user, "_roundtable_scopes"):
        del user._roundtable_scopes


# --- Jurisdictions ----------------------------------------------------------------------------

def jurisdictions_visible(user: AnyUser) -> QuerySet[Jurisdiction]:
    """The jurisdiction tree is public to every signed-in user."""
    if not user.is_authenticated:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.all()


def jurisdictions_manageable(user: AnyUser) -> QuerySet[Jurisdiction]:
    """Jurisdictions the user may edit, and under which the user may add parts and organisations."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(subtree_q("path", scopes.coordinator_paths))


def can_change_jurisdiction(user: AnyUser, jurisdiction: Jurisdiction) -> bool:
    """Coordinators edit the parts below their own jurisdiction, not the jurisdiction itself."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return True
    return any(jurisdiction.path.startswith(p) and jurisdiction.path != p for p in scopes.coordinator_paths)


def can_add_jurisdiction_under(user: AnyUser, parent: Jurisdiction | None) -> bool:
    if parent is None:
        return scopes_for(user).is_platform_admin
    return allowed(jurisdictions_manageable(user), parent)


# --- Sectors -----------------------------------------------------------------------------------

def can_manage_sectors(user: AnyUser) -> bool:
    return scopes_for(user).is_platform_admin


# --- Organisations -----------------------------------------------------------------------------

def organisations_visible(user: AnyUser) -> QuerySet[Organisation]:
    """Active organisations are the public directory; inactive ones are seen by those responsible."""
    scopes = scopes_for(user)
    if not user.is_authenticated:
        return Organisation.objects.none()
    if scopes.is_platform_admin:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(is_active=True)
        | subtree_q("jurisdiction__path", scopes.read_paths)
        | Q(pk__in=scopes.organisation_ids)
        | granted_ids(user, OrganisationUserObjectPermission, OrganisationGroupObjectPermission, "view_organisation")
    )


def organisations_changeable_q(user: AnyUser) -> Q | None:
    """The change rule as a ``Q`` (``None`` means every organisation), for lists and checks alike."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    if not user.is_authenticated:
        return Q(pk__in=[])
    return (
        subtree_q("jurisdiction__path", scopes.coordinator_paths)
        | Q(pk__in=scopes.admin_organisation_ids)
        | granted_ids(user, OrganisationUserObjectPermission, OrganisationGroupObjectPermission, "change_organisation")
    )


def organisations_changeable(user: AnyUser) -> QuerySet[Organisation]:
    q = organisations_changeable_q(user)
    return Organisation.objects.all() if q is None else Organisation.objects.filter(q)


def can_change_organisation(user: AnyUser, organisation: Organisation) -> bool:
    return allowed(organisations_changeable(user), organisation)


def can_add_organisation(user: AnyUser) -> bool:
    return scopes_for(user).is_platform_admin or bool(scopes_for(user).coordinator_paths)


def can_see_organisation_people(user: AnyUser, organisation: Organisation) -> bool:
    """Who belongs to an organisation is shown to those with a need: its own people, coordinators
    and liaisons of its jurisdiction, platform admins."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin or organisation.pk in scopes.organisation_ids:
        return True
    return any(organisation.jurisdiction.path.startswith(p) for p in scopes.read_paths)

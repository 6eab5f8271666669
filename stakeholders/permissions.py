"""Who may do what in the registry. Every rule is a queryset; see core/permissions.py.

Roles (DESIGN.md):
* platform admin: everything;
* coordinator of a jurisdiction: edits jurisdictions below it and organisations in its subtree;
* liaison of a jurisdiction: reads everything in its subtree, changes nothing;
* organisation admin: edits its own organisation; organisation member: reads it;
* any signed-in user: reads the public directory (active organisations, the jurisdiction tree,
  the names and current positions of people who hold a position in an active organisation).

People's contact details are personal data, shown only to those with a need: see
``person_contact_visible_q`` and docs/adr/0005-people-and-personal-data.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import User
from core.permissions import allowed, granted_ids, subtree_q
from stakeholders.models import (
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationMembership,
    OrganisationUserObjectPermission,
    Partnership,
    Person,
    Position,
    ResourceOffer,
    StakeholderMapping,
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
    user._roundtable_scopes = scopes  # type: ignore[union-attr,attr-defined]
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


def can_grant_roles_in(user: AnyUser, jurisdiction: Jurisdiction) -> bool:
    """Coordinators give and take away roles over their own jurisdiction and everything below it."""
    return allowed(jurisdictions_manageable(user), jurisdiction)


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


# --- People ------------------------------------------------------------------------------------


def current_positions_q(prefix: str = "") -> Q:
    """Positions that have not ended (``prefix`` is the lookup path to the position, e.g. ``positions__``)."""
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": timezone.localdate()})


def _people_holding(positions: QuerySet[Position]) -> Q:
    return Q(pk__in=positions.values("person_id"))


def people_visible(user: AnyUser) -> QuerySet[Person]:
    """Who may see that a person exists, with name, pronouns, languages, expertise and positions.

    * every signed-in user: people with a current position in an active organisation (the public
      directory; never their contact details);
    * coordinators and liaisons: people registered in, or holding a position in an organisation of,
      their jurisdictions;
    * organisation admins and members: the people of their organisations, past and present;
    * everyone: their own record; platform admins: all.
    """
    scopes = scopes_for(user)
    if not user.is_authenticated:
        return Person.objects.none()
    if scopes.is_platform_admin:
        return Person.objects.all()
    public = Position.objects.filter(current_positions_q(), organisation__is_active=True)
    q = _people_holding(public) | Q(user=user)
    if scopes.read_paths:
        q |= subtree_q("jurisdiction__path", scopes.read_paths)
        q |= _people_holding(Position.objects.filter(subtree_q("organisation__jurisdiction__path", scopes.read_paths)))
    if scopes.organisation_ids:
        q |= _people_holding(Position.objects.filter(organisation_id__in=scopes.organisation_ids))
    return Person.objects.filter(q)


def person_contact_fellow_members_q(user: AnyUser) -> Q:
    """Extension point for the ``coordination`` app: people who sit on a committee with ``user``.

    Fellow committee members have a need to reach each other. The coordination app replaces the body
    with the clause over its ``CommitteeMembership`` (``person`` related_name ``committee_memberships``,
    ``committee`` related_name ``memberships``), for example::

        return Q(pk__in=Person.objects.filter(
            committee_memberships__committee__memberships__person__user=user).values("pk"))

    (adding any condition on current membership it needs). The registry does not import coordination.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    # Filled in by coordination (issue #4): both memberships current; the rule lives in coordination.
    from coordination.permissions import fellow_member_person_ids

    return Q(pk__in=fellow_member_person_ids(user))


def person_contact_visible_q(user: AnyUser) -> Q | None:
    """THE rule for personal contact details (email, phone), as a ``Q`` over ``Person``; ``None``
    means every person. Used by the detail page, lists, the API, search and every export, so it is
    written only here. Those with a need:

    * the person themself (their linked login) and platform admins;
    * coordinators of the jurisdiction the person is registered in or where they hold a position;
    * the person's own organisation (admins and members of an organisation where they hold a current
      position);
    * fellow committee members (:func:`person_contact_fellow_members_q`, filled in by ``coordination``).

    Liaisons read the registry but do not get contact details by rank alone.
    """
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(user=user)
    if scopes.coordinator_paths:
        q |= subtree_q("jurisdiction__path", scopes.coordinator_paths)
        q |= _people_holding(
            Position.objects.filter(subtree_q("organisation__jurisdiction__path", scopes.coordinator_paths))
        )
    if scopes.organisation_ids:
        q |= _people_holding(
            Position.objects.filter(current_positions_q(), organisation_id__in=scopes.organisation_ids)
        )
    return q | person_contact_fellow_members_q(user)


def people_contact_visible(user: AnyUser) -> QuerySet[Person]:
    q = person_contact_visible_q(user)
    return Person.objects.all() if q is None else Person.objects.filter(q)


def can_see_person_contact(user: AnyUser, person: Person) -> bool:
    """Also who may download what is held about the person (a subject access export)."""
    return allowed(people_contact_visible(user), person)


def people_changeable_q(user: AnyUser) -> Q | None:
    """Coordinators of the person's jurisdiction or of an organisation they hold a position in, admins of
    an organisation where they hold a current position, the person themself, platform admins."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(user=user)
    if scopes.coordinator_paths:
        q |= subtree_q("jurisdiction__path", scopes.coordinator_paths)
        q |= _people_holding(
            Position.objects.filter(subtree_q("organisation__jurisdiction__path", scopes.coordinator_paths))
        )
    if scopes.admin_organisation_ids:
        q |= _people_holding(
            Position.objects.filter(current_positions_q(), organisation_id__in=scopes.admin_organisation_ids)
        )
    return q


def people_changeable(user: AnyUser) -> QuerySet[Person]:
    q = people_changeable_q(user)
    return Person.objects.all() if q is None else Person.objects.filter(q)


def can_change_person(user: AnyUser, person: Person) -> bool:
    return allowed(people_changeable(user), person)


def can_add_person(user: AnyUser) -> bool:
    """Coordinators (in their jurisdictions) and organisation admins (with a position in their organisation)."""
    scopes = scopes_for(user)
    return scopes.is_platform_admin or bool(scopes.coordinator_paths) or bool(scopes.admin_organisation_ids)


def positions_visible(user: AnyUser) -> QuerySet[Position]:
    """Positions of visible people in visible organisations; an outsider sees only current positions."""
    scopes = scopes_for(user)
    if not user.is_authenticated:
        return Position.objects.none()
    if scopes.is_platform_admin:
        return Position.objects.all()
    qs = Position.objects.filter(person__in=people_visible(user), organisation__in=organisations_visible(user))
    if not (scopes.read_paths or scopes.organisation_ids):
        qs = qs.filter(current_positions_q() | Q(person__user=user))
    return qs


def can_manage_position_in(user: AnyUser, organisation: Organisation) -> bool:
    """Positions are kept by those who may change the organisation."""
    return can_change_organisation(user, organisation)


# --- Partnerships ------------------------------------------------------------------------------


def partnerships_visible(user: AnyUser) -> QuerySet[Partnership]:
    """A partnership is seen by whoever may see both organisations."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    if scopes_for(user).is_platform_admin:
        return Partnership.objects.all()
    visible = organisations_visible(user).values("pk")
    return Partnership.objects.filter(organisation__in=visible, partner__in=visible)


def partnerships_changeable(user: AnyUser) -> QuerySet[Partnership]:
    """Whoever may change either organisation may record or edit the partnership."""
    q = organisations_changeable_q(user)
    if q is None:
        return Partnership.objects.all()
    changeable = Organisation.objects.filter(q).values("pk")
    return Partnership.objects.filter(Q(organisation__in=changeable) | Q(partner__in=changeable))


def can_change_partnership(user: AnyUser, partnership: Partnership) -> bool:
    return allowed(partnerships_changeable(user), partnership)


def can_add_partnership(user: AnyUser, organisation: Organisation, partner: Organisation) -> bool:
    return can_change_organisation(user, organisation) or can_change_organisation(user, partner)


# --- Stakeholder mapping -----------------------------------------------------------------------


def mapping_jurisdictions(user: AnyUser) -> QuerySet[Jurisdiction]:
    """Jurisdictions whose stakeholder map the user may read: coordinators' and liaisons' subtrees."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(subtree_q("path", scopes.read_paths))


def mappings_visible(user: AnyUser) -> QuerySet[StakeholderMapping]:
    """The stakeholder map is the coordinators' working judgement (influence, interest): read by
    coordinators and liaisons of the jurisdiction and platform admins, not by the public directory."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return StakeholderMapping.objects.all()
    return StakeholderMapping.objects.filter(subtree_q("jurisdiction__path", scopes.read_paths))


def mappings_changeable(user: AnyUser) -> QuerySet[StakeholderMapping]:
    return StakeholderMapping.objects.filter(jurisdiction__in=jurisdictions_manageable(user))


def can_change_mapping(user: AnyUser, mapping: StakeholderMapping) -> bool:
    return allowed(mappings_changeable(user), mapping)


def can_map_in(user: AnyUser, jurisdiction: Jurisdiction) -> bool:
    return allowed(jurisdictions_manageable(user), jurisdiction)


# --- Resource offers ---------------------------------------------------------------------------


def offers_visible(user: AnyUser) -> QuerySet[ResourceOffer]:
    """Offers (with their values) are seen by coordinators and liaisons of the jurisdiction offered to,
    by the offering organisation's people, and by platform admins."""
    scopes = scopes_for(user)
    if not user.is_authenticated:
        return ResourceOffer.objects.none()
    if scopes.is_platform_admin:
        return ResourceOffer.objects.all()
    return ResourceOffer.objects.filter(
        subtree_q("jurisdiction__path", scopes.read_paths) | Q(organisation_id__in=scopes.organisation_ids)
    )


def offers_changeable_q(user: AnyUser) -> Q | None:
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    if not user.is_authenticated:
        return Q(pk__in=[])
    return subtree_q("jurisdiction__path", scopes.coordinator_paths) | Q(
        organisation_id__in=scopes.admin_organisation_ids
    )


def offers_changeable(user: AnyUser) -> QuerySet[ResourceOffer]:
    q = offers_changeable_q(user)
    return ResourceOffer.objects.all() if q is None else ResourceOffer.objects.filter(q)


def can_change_offer(user: AnyUser, offer: ResourceOffer) -> bool:
    return allowed(offers_changeable(user), offer)


def can_record_offers(user: AnyUser) -> bool:
    """Whether the user may record offers at all: coordinators, organisation admins, platform admins."""
    scopes = scopes_for(user)
    return scopes.is_platform_admin or bool(scopes.coordinator_paths) or bool(scopes.admin_organisation_ids)


def can_add_offer(user: AnyUser, organisation: Organisation, jurisdiction: Jurisdiction) -> bool:
    """An organisation's admins offer its resources anywhere; coordinators record offers made to their
    jurisdictions by organisations they can see."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin or organisation.pk in scopes.admin_organisation_ids:
        return True
    return can_map_in(user, jurisdiction)


# --- Import ------------------------------------------------------------------------------------


def can_import(user: AnyUser) -> bool:
    """Only coordinators (into their own jurisdictions, checked row by row) and platform admins import."""
    scopes = scopes_for(user)
    return scopes.is_platform_admin or bool(scopes.coordinator_paths)

"""Who may do what in the registry: every rule registered once in ``core.permissions`` per model and
action (see docs/adr/0009-permission-registry.md); the functions further down are the names the
rest of the code base has always called, now thin wrappers over the registry.

Roles (DESIGN.md):
* platform admin (``core.permissions.is_platform_admin``): everything;
* coordinator of a jurisdiction: edits jurisdictions below it and organisations in its subtree;
* liaison of a jurisdiction: reads everything in its subtree, changes nothing;
* organisation admin: edits its own organisation; organisation member: reads it;
* any signed-in user: reads the public directory (active organisations, the jurisdiction tree,
  the names and current positions of people who hold a position in an active organisation).

People's contact details are personal data, shown only to those with a need: see the
``Person "contact"`` rule and docs/adr/0005-people-and-personal-data.md.

Registered here (model: actions):
* ``Jurisdiction``: view, manage (edit and add below), change (edit the jurisdiction itself), map;
* ``Sector``: view, manage;
* ``Organisation``: view, change, grant (give explicit grants on it), people (who belongs to it), grantee;
* ``Person``: view, contact, change, grantee;
* ``Position``: view, manage;
* ``Partnership``, ``StakeholderMapping``, ``ResourceOffer``: view, change;
* ``ImportBatch``: view, change;
* ``core.User``: view (oneself; platform admins), grantee (users linked to a person one may see).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Func, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core import grants, roles
from core.models import User
from core.permissions import (
    NOTHING,
    AnyUser,
    Rule,
    allowed,
    condition,
    ids_in,
    in_force_q,
    is_platform_admin,
    register,
    rule_q,
    rules,
    subtree_q,
    visible,
)
from stakeholders.directory import directory_listed_q
from stakeholders.models import (
    ImportBatch,
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationGrant,
    OrganisationMembership,
    Partnership,
    Person,
    PersonGrant,
    Position,
    ResourceOffer,
    Sector,
    StakeholderMapping,
)

#: The extension point at which higher apps add people a user may reach (coordination: fellow
#: committee members). Registered with ``core.roles.contribute``.
PERSON_CONTACT_POINT = "stakeholders.person_contact"


# --- Roles: the registry's part of the role resolver -------------------------------------------


#: An organisation membership as the roles read it: (organisation id, role, organisation name).
MembershipRow = tuple[int, str, str]


@dataclass(frozen=True)
class Scopes:
    """The user's registry roles, read once per request (``core.roles.of(user, "stakeholders")``)."""

    is_platform_admin: bool = False
    coordinator_paths: tuple[str, ...] = ()
    liaison_paths: tuple[str, ...] = ()
    admin_organisation_ids: frozenset[int] = frozenset()
    member_organisation_ids: frozenset[int] = frozenset()
    #: The jurisdiction ids of each read path's subtree, when the subtree is small (ADR 0014): rules
    #: pass them as a literal ``IN (...)`` so the planner knows how few rows they select.
    subtree_ids: dict[str, frozenset[int]] = field(default_factory=dict, compare=False)
    #: How many jurisdictions each read path's subtree holds, counted up to ``SIZE_CAP`` + 1 (on
    #: PostgreSQL, with the roles; absent elsewhere): a rule over rows that are many per
    #: jurisdiction (a plan's actions) picks its form by it.
    subtree_sizes: dict[str, int] = field(default_factory=dict, compare=False)
    #: The roles themselves, for pages that list them: the jurisdiction roles with their
    #: jurisdictions, and each organisation membership as ``(organisation id, role, organisation
    #: name)``, a tuple, not a model row (an umbrella's 200 memberships are read on every request).
    jurisdiction_roles: tuple[JurisdictionRole, ...] = field(default=(), compare=False)
    memberships: tuple[MembershipRow, ...] = field(default=(), compare=False)

    @property
    def read_paths(self) -> tuple[str, ...]:
        return self.coordinator_paths + self.liaison_paths

    @property
    def organisation_ids(self) -> frozenset[int]:
        return self.admin_organisation_ids | self.member_organisation_ids

    @property
    def reads_small_subtrees(self) -> bool:
        """Every subtree the user reads is small (its jurisdiction ids came with the roles), or the
        user reads none: rules may then name the scope's rows as literal sets (ADR 0014)."""
        return all(path in self.subtree_ids for path in self.read_paths)


NO_SCOPES = Scopes()


@roles.provider("stakeholders")
def stakeholder_scopes(user: User) -> Scopes:
    jurisdiction_roles = tuple(_with_subtrees(JurisdictionRole.objects.filter(user=user)))
    # Organisation memberships carry no dates: a membership in force is one that exists.
    memberships = tuple(_memberships(OrganisationMembership.objects.filter(user=user)))
    return _scopes(user, jurisdiction_roles, memberships)


def _memberships(qs: QuerySet[OrganisationMembership]) -> QuerySet[Any]:
    """Memberships as ``(user id, organisation id, role, organisation name)`` tuples, what the roles
    and the dashboard's role list use: a member of an umbrella of 200 organisations reads 200 short
    tuples on each request, not 400 model instances (3 ms of Python, ADR 0010)."""
    return qs.order_by("organisation__name", "organisation_id").values_list(
        "organisation_id", "role", "organisation__name"
    )


@roles.bulk_provider("stakeholders")
def stakeholder_scopes_of_many(users: list[User]) -> dict[int, Scopes]:
    """The same for many users in two queries (a batch of notifications checks its recipients)."""
    ids = [u.pk for u in users]
    by_user: dict[int, tuple[list[JurisdictionRole], list[MembershipRow]]] = {pk: ([], []) for pk in ids}
    for role in _with_subtrees(JurisdictionRole.objects.filter(user_id__in=ids)):
        by_user[role.user_id][0].append(role)
    for user_id, *row in _memberships(OrganisationMembership.objects.filter(user_id__in=ids)).values_list(
        "user_id", "organisation_id", "role", "organisation__name"
    ):
        by_user[user_id][1].append((row[0], row[1], row[2]))
    return {u.pk: _scopes(u, tuple(by_user[u.pk][0]), tuple(by_user[u.pk][1])) for u in users}


def _scopes(
    user: User, jurisdiction_roles: tuple[JurisdictionRole, ...], memberships: tuple[MembershipRow, ...]
) -> Scopes:
    coordinator: list[str] = []
    liaison: list[str] = []
    for role in jurisdiction_roles:
        (coordinator if role.role == JurisdictionRole.Role.COORDINATOR else liaison).append(role.jurisdiction.path)
    admin_ids: set[int] = set()
    member_ids: set[int] = set()
    for organisation_id, role_name, _name in memberships:
        (admin_ids if role_name == OrganisationMembership.Role.ADMIN else member_ids).add(organisation_id)
    below: list[list[int] | None] = [getattr(role, "subtree_below", None) for role in jurisdiction_roles]
    if all(ids is not None for ids in below):
        subtree_ids = {
            role.jurisdiction.path: frozenset(ids or ())
            for role, ids in zip(jurisdiction_roles, below, strict=True)
            if len(ids or ()) <= SMALL_SUBTREE
        }
    else:
        subtree_ids = _small_subtrees(tuple(coordinator + liaison))
    sizes = {
        role.jurisdiction.path: size
        for role in jurisdiction_roles
        if (size := getattr(role, "subtree_size", None)) is not None
    }
    return Scopes(
        subtree_ids=subtree_ids,
        subtree_sizes=sizes,
        jurisdiction_roles=jurisdiction_roles,
        memberships=memberships,
        is_platform_admin=is_platform_admin(user),
        coordinator_paths=tuple(coordinator),
        liaison_paths=tuple(liaison),
        admin_organisation_ids=frozenset(admin_ids),
        member_organisation_ids=frozenset(member_ids),
    )


#: A subtree of more jurisdictions than this is left to a subquery: a literal list that long costs
#: more to build and plan, in every rule of every query of the page, than its estimate saves (a
#: scope that wide sees most rows anyway; the national liaison's 211 cost 4 ms of each request).
SMALL_SUBTREE = 100
#: Subtree sizes are counted up to this (``Scopes.subtree_sizes``).
SIZE_CAP = 1000


def _with_subtrees(roles_qs: QuerySet[JurisdictionRole]) -> QuerySet[JurisdictionRole]:
    """The roles with their jurisdictions and, on PostgreSQL, the ids of each one's subtree (at most
    ``SMALL_SUBTREE`` + 1 of them, ``subtree_below``) in the same query: a request's roles are one
    query, not one more for the subtrees (other databases read them with :func:`_small_subtrees`)."""
    roles_qs = roles_qs.select_related("jurisdiction")
    if connection.vendor != "postgresql":
        return roles_qs
    from django.contrib.postgres.expressions import ArraySubquery

    def under(limit: int) -> Any:
        return (
            Jurisdiction.objects.filter(path__startswith=OuterRef("jurisdiction__path")).order_by().values("pk")[:limit]
        )

    return roles_qs.annotate(
        subtree_below=ArraySubquery(under(SMALL_SUBTREE + 1)),
        subtree_size=Func(ArraySubquery(under(SIZE_CAP + 1)), function="cardinality", output_field=IntegerField()),
    )


def _small_subtrees(paths: tuple[str, ...]) -> dict[str, frozenset[int]]:
    """The jurisdiction ids under each of ``paths``, for the subtrees of at most ``SMALL_SUBTREE``."""
    if not paths:
        return {}
    limit = SMALL_SUBTREE * len(paths)
    rows = list(Jurisdiction.objects.filter(subtree_q("path", paths)).values_list("pk", "path")[: limit + 1])
    if len(rows) > limit:
        return {}
    result: dict[str, frozenset[int]] = {}
    for root in paths:
        ids = frozenset(pk for pk, path in rows if path.startswith(root))
        if len(ids) <= SMALL_SUBTREE:
            result[root] = ids
    return result


def subtree_ids_q(field: str, user: AnyUser, paths: tuple[str, ...]) -> Q:
    """``<field> IN (jurisdictions under paths)``: a literal id list for the user's small subtrees
    (read once with the roles), a path-prefix subquery for the others."""
    known = scopes_for(user).subtree_ids
    ids: set[int] = set()
    rest: list[str] = []
    for path in paths:
        if path in known:
            ids |= known[path]
        else:
            rest.append(path)
    q = Q(**{f"{field}__in": sorted(ids)}) if ids else NOTHING
    if rest:
        q |= Q(**{f"{field}__in": Jurisdiction.objects.filter(subtree_q("path", rest)).values("pk")})
    return q


@roles.principal_provider("organisation")
def organisation_principals(user: User) -> frozenset[int]:
    """A grant to an organisation reaches its current members (admins and members alike)."""
    return scopes_for(user).organisation_ids


grants.register_grantee_model("organisation", Organisation)


def scopes_for(user: AnyUser) -> Scopes:
    scopes: Scopes = roles.of(user, "stakeholders", NO_SCOPES)
    return scopes


def scopes_forget(user: AnyUser) -> None:
    """Drop the cached roles and answers after the user's roles changed."""
    roles.forget(user)


def current_positions_q(prefix: str = "") -> Q:
    """Positions in force today (``prefix`` is the lookup path to the position, e.g. ``positions__``):
    the one definition of "current", shared with committee memberships (``core.permissions.in_force_q``)."""
    return in_force_q(prefix)


def _people_holding(positions: QuerySet[Position]) -> Q:
    return Q(pk__in=positions.values("person_id"))


def _probe(qs: QuerySet[Any], **refs: str) -> Q:
    """Whether ``qs`` has a row matching the outer row on ``refs`` (field of ``qs`` = outer field): a
    scalar subquery with ``LIMIT 1``, one index probe per row the outer query reads (the page's rows
    of a list), where ``pk IN (every matching row)`` or an ``EXISTS`` PostgreSQL turns into one is
    hashed in full for each page (ADR 0014). The same rows either way: a filter, an exclusion or a
    flag (``NULL`` is read as false)."""
    hit = qs.filter(**{f: OuterRef(ref) for f, ref in refs.items()}).values(
        flag=Value(True, output_field=BooleanField())
    )
    return Q(Coalesce(Subquery(hit.order_by()[:1]), Value(False), output_field=BooleanField()))


def _holding(positions: QuerySet[Position]) -> Q:
    """People holding one of ``positions``, probed row by row (the contact and edit flags of a list)."""
    return _probe(positions, person_id="pk")


# --- Jurisdictions ----------------------------------------------------------------------------


@register(Jurisdiction, "view")
def jurisdiction_view_rule(user: User) -> Q | None:
    """The jurisdiction tree is public to every signed-in user."""
    return None


@register(Jurisdiction, "manage")
def jurisdiction_manage_rule(user: User) -> Q | None:
    """Jurisdictions the user may edit, and under which the user may add parts and organisations."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return subtree_q("path", scopes.coordinator_paths)


@register(Jurisdiction, "change")
def jurisdiction_change_rule(user: User) -> Q | None:
    """Coordinators edit the parts below their own jurisdiction, not the jurisdiction itself."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    q = NOTHING
    for path in scopes.coordinator_paths:
        q |= Q(path__startswith=path) & ~Q(path=path)
    return q


@register(Jurisdiction, "map")
def jurisdiction_map_rule(user: User) -> Q | None:
    """Jurisdictions whose stakeholder map the user may read: coordinators' and liaisons' subtrees."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return subtree_q("path", scopes.read_paths)


# --- Sectors -----------------------------------------------------------------------------------


@register(Sector, "view")
def sector_view_rule(user: User) -> Q | None:
    """Sectors are reference data, public to every signed-in user."""
    return None


@register(Sector, "manage")
def sector_manage_rule(user: User) -> Q | None:
    return None if scopes_for(user).is_platform_admin else NOTHING


# --- Organisations -----------------------------------------------------------------------------


@register(Organisation, "view")
def organisation_view_rule(user: User) -> Q | None:
    """Active organisations are the public directory; inactive ones are seen by those responsible,
    and by those granted access (``OrganisationGrant``: view or change)."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return (
        Q(is_active=True)
        | subtree_ids_q("jurisdiction", user, scopes.read_paths)
        | Q(pk__in=scopes.organisation_ids)
        | grants.granted_q(user, OrganisationGrant, (OrganisationGrant.VIEW, OrganisationGrant.CHANGE))
    )


@register(Organisation, "change")
def organisation_change_rule(user: User) -> Q | None:
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return (
        subtree_ids_q("jurisdiction", user, scopes.coordinator_paths)
        | Q(pk__in=scopes.admin_organisation_ids)
        | grants.granted_q(user, OrganisationGrant, OrganisationGrant.CHANGE)
    )


@register(Organisation, "grant")
def organisation_grant_rule(user: User) -> Q | None:
    """Who gives and withdraws explicit grants on an organisation: those who may change it by their
    role (its coordinators and admins), not those who were themselves granted change: a grant is
    never passed on by its grantee."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return subtree_ids_q("jurisdiction", user, scopes.coordinator_paths) | Q(pk__in=scopes.admin_organisation_ids)


@register(Organisation, "people")
def organisation_people_rule(user: User) -> Q | None:
    """Who belongs to an organisation is shown to those with a need: its own people, coordinators
    and liaisons of its jurisdiction, platform admins."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return Q(pk__in=scopes.organisation_ids) | subtree_ids_q("jurisdiction", user, scopes.read_paths)


@register(Organisation, "grantee")
def organisation_grantee_rule(user: User) -> Q | None:
    """An organisation may be named as a grantee by whoever may see it."""
    return rule_q(user, Organisation, "view")


# --- People ------------------------------------------------------------------------------------


@register(Person, "view")
def person_view_rule(user: User) -> Q | None:
    """Who may see that a person exists, with name, pronouns, languages, expertise and positions.

    * every signed-in user: people with a current position in an active organisation (the public
      directory; never their contact details);
    * coordinators and liaisons: people registered in, or holding a position in an organisation of,
      their jurisdictions;
    * organisation admins and members: the people of their organisations, past and present;
    * everyone: their own record, and people granted to them (``PersonGrant``, to the user or an
      organisation or committee they currently belong to); platform admins: all.
    """
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    # The public directory, as stored (``stakeholders.directory``, ADR 0014): an indexed
    # column instead of a semi-join over every current position and active organisation.
    # The branches beyond the directory are probed row by row (``_holding``), not hashed: nearly
    # every row a list reads is in the directory, which is tested first, so a page probes the few
    # that are not instead of hashing every position of the reader's subtree or organisations on
    # each request (2-3 ms for a district's 1,000 organisations, the whole country's for a
    # national liaison).
    q = directory_listed_q() | Q(user=user)
    if scopes.read_paths:
        q |= subtree_ids_q("jurisdiction", user, scopes.read_paths)
        q |= _holding(Position.objects.filter(subtree_ids_q("organisation__jurisdiction", user, scopes.read_paths)))
    if scopes.organisation_ids:
        q |= _holding(Position.objects.filter(ids_in("organisation_id", scopes.organisation_ids)))
    return q | grants.granted_q(user, PersonGrant, PersonGrant.VIEW)


@register(Person, "contact")
def person_contact_rule(user: User) -> Q | None:
    """THE rule for personal contact details (email, phone). Used by the detail page, lists, the API,
    search and every export, so it is written only here. Those with a need:

    * the person themself (their linked login) and platform admins;
    * coordinators of the jurisdiction the person is registered in or where they hold a position;
    * the person's own organisation (admins and members of an organisation where they hold a current
      position);
    * whatever higher apps contribute at ``stakeholders.person_contact`` (coordination: fellow
      committee members), through the role resolver: the registry does not import them.

    Liaisons read the registry but do not get contact details by rank alone.
    """
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    q = Q(user=user)
    if scopes.coordinator_paths:
        q |= subtree_ids_q("jurisdiction", user, scopes.coordinator_paths)
        q |= _holding(
            Position.objects.filter(subtree_ids_q("organisation__jurisdiction", user, scopes.coordinator_paths))
        )
    if scopes.organisation_ids:
        q |= _holding(Position.objects.filter(current_positions_q(), organisation_id__in=scopes.organisation_ids))
    return q | roles.contributions_q(user, PERSON_CONTACT_POINT)


@register(Person, "change")
def person_change_rule(user: User) -> Q | None:
    """Coordinators of the person's jurisdiction or of an organisation where they hold a *current*
    position, admins of an organisation where they hold a current position, the person themself,
    platform admins. An ended position gives nobody write access to the record."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    q = Q(user=user)
    if scopes.coordinator_paths:
        q |= subtree_ids_q("jurisdiction", user, scopes.coordinator_paths)
        q |= _holding(
            Position.objects.filter(
                current_positions_q(), subtree_ids_q("organisation__jurisdiction", user, scopes.coordinator_paths)
            )
        )
    if scopes.admin_organisation_ids:
        q |= _holding(Position.objects.filter(current_positions_q(), organisation_id__in=scopes.admin_organisation_ids))
    return q


@register(Person, "grantee")
def person_grantee_rule(user: User) -> Q | None:
    """People one may name as a grantee: visible people with a login."""
    q = rule_q(user, Person, "view")
    return Q(user__isnull=False) if q is None else q & Q(user__isnull=False)


# --- Logins ------------------------------------------------------------------------------------


@register(User, "view")
def user_view_rule(user: User) -> Q | None:
    """Logins (their e-mail addresses) are seen by their owner and platform admins only: a
    foreign key to a login offers, and accepts, nobody else's."""
    return None if scopes_for(user).is_platform_admin else Q(pk=user.pk)


@register(User, "grantee")
def user_grantee_rule(user: User) -> Q | None:
    """A login may be named as a grantee when it is linked to a person the actor may see."""
    if scopes_for(user).is_platform_admin:
        return None
    return Q(pk=user.pk) | Q(person__in=visible(user, Person).values("pk"))


# --- Positions ---------------------------------------------------------------------------------


@register(Position, "view")
def position_view_rule(user: User) -> Q | None:
    """Positions of visible people in visible organisations; an outsider sees only current positions."""
    if scopes_for(user).is_platform_admin:
        return None
    return Q(person__in=visible(user, Person).values("pk")) & positions_of_visible_people_q(user)


def positions_of_visible_people_q(user: AnyUser) -> Q:
    """The Position "view" rule for people already known to be visible (a list prefetching the
    positions of its page): the same rule without re-filtering the people (ADR 0014)."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return Q()
    # Probed for the position's organisation: ``organisation IN (every visible organisation)``, and
    # an ``EXISTS`` (pulled up into a semi-join), hashed the whole public directory for each page.
    q = _probe(visible(user, Organisation), pk="organisation_id")
    if not (scopes.read_paths or scopes.organisation_ids):
        q &= current_positions_q() | Q(person__user=user)
    return q


#: :func:`positions_of_visible_people_q`, shared and compiled like a rule (ADR 0015) for the
#: positions prefetch of a people list; not a registered rule: alone it does not narrow the people.
_POSITIONS_OF_VISIBLE_PEOPLE = Rule(Position, "view_of_visible_people", positions_of_visible_people_q)


def positions_of_visible_people_condition(user: AnyUser) -> Q | None:
    return rules.condition_of(user, _POSITIONS_OF_VISIBLE_PEOPLE)


@register(Position, "manage")
def position_manage_rule(user: User) -> Q | None:
    """A position is a grant (it decides who may read and edit the person's record): it is kept by
    whoever may change *both* the organisation and the person."""
    org_q = rule_q(user, Organisation, "change")
    person_q = rule_q(user, Person, "change")
    if org_q is None and person_q is None:
        return None
    q = Q()
    # Probed for the position's organisation and person: the positions of a page of people each ask
    # about their own two rows, not about every organisation and person the user may change.
    if org_q is not None:
        q &= _probe(Organisation.objects.filter(org_q), pk="organisation_id")
    if person_q is not None:
        q &= _probe(Person.objects.filter(person_q), pk="person_id")
    return q


# --- Partnerships ------------------------------------------------------------------------------


@register(Partnership, "view")
def partnership_view_rule(user: User) -> Q | None:
    """A partnership is seen by whoever may see both organisations."""
    if scopes_for(user).is_platform_admin:
        return None
    orgs = visible(user, Organisation).values("pk")
    return Q(organisation__in=orgs, partner__in=orgs)


@register(Partnership, "change")
def partnership_change_rule(user: User) -> Q | None:
    """Whoever may change either organisation may record or edit the partnership."""
    q = rule_q(user, Organisation, "change")
    if q is None:
        return None
    changeable = Organisation.objects.filter(q).values("pk")
    return Q(organisation__in=changeable) | Q(partner__in=changeable)


# --- Stakeholder mapping -----------------------------------------------------------------------


@register(StakeholderMapping, "view")
def mapping_view_rule(user: User) -> Q | None:
    """The stakeholder map is the coordinators' working judgement (influence, interest): read by
    coordinators and liaisons of the jurisdiction and platform admins, not by the public directory."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return subtree_ids_q("jurisdiction", user, scopes.read_paths)


@register(StakeholderMapping, "change")
def mapping_change_rule(user: User) -> Q | None:
    q = rule_q(user, Jurisdiction, "manage")
    return None if q is None else Q(jurisdiction__in=Jurisdiction.objects.filter(q).values("pk"))


# --- Resource offers ---------------------------------------------------------------------------


@register(ResourceOffer, "view")
def offer_view_rule(user: User) -> Q | None:
    """Offers (with their values) are seen by coordinators and liaisons of the jurisdiction offered to,
    by the offering organisation's people, and by platform admins."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return subtree_ids_q("jurisdiction", user, scopes.read_paths) | Q(organisation_id__in=scopes.organisation_ids)


@register(ResourceOffer, "change")
def offer_change_rule(user: User) -> Q | None:
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return subtree_ids_q("jurisdiction", user, scopes.coordinator_paths) | Q(
        organisation_id__in=scopes.admin_organisation_ids
    )


# --- Import ------------------------------------------------------------------------------------


@register(ImportBatch, "view")
def import_batch_view_rule(user: User) -> Q | None:
    """An upload is seen only by whoever uploaded it (platform admins included: it holds raw rows)."""
    return Q(owner=user)


@register(ImportBatch, "change")
def import_batch_change_rule(user: User) -> Q | None:
    """Confirmed by its uploader while they still may import."""
    return Q(owner=user) if can_import(user) else NOTHING


# --- The names the code base calls: thin wrappers over the registry ---------------------------


def _allows(user: AnyUser, obj: Model, action: str) -> bool:
    """The registry's rule for one object, asked afresh (the wrappers keep their old behaviour of
    reading the database each time; ``core.permissions.allows`` caches per request)."""
    return obj.pk is not None and allowed(visible(user, type(obj), action), obj)


def jurisdictions_visible(user: AnyUser) -> QuerySet[Jurisdiction]:
    return visible(user, Jurisdiction)


def jurisdictions_manageable(user: AnyUser) -> QuerySet[Jurisdiction]:
    return visible(user, Jurisdiction, "manage")


def can_change_jurisdiction(user: AnyUser, jurisdiction: Jurisdiction) -> bool:
    return _allows(user, jurisdiction, "change")


def can_add_jurisdiction_under(user: AnyUser, parent: Jurisdiction | None) -> bool:
    if parent is None:
        return is_platform_admin(user)
    return _allows(user, parent, "manage")


def can_grant_roles_in(user: AnyUser, jurisdiction: Jurisdiction) -> bool:
    """Coordinators give and take away roles over their own jurisdiction and everything below it."""
    return _allows(user, jurisdiction, "manage")


def can_manage_sectors(user: AnyUser) -> bool:
    return is_platform_admin(user)


def organisations_visible(user: AnyUser) -> QuerySet[Organisation]:
    return visible(user, Organisation)


def organisations_changeable_q(user: AnyUser) -> Q | None:
    """The change rule as a ``Q`` (``None`` means every organisation), for lists and checks alike."""
    return condition(user, Organisation, "change")


def organisations_changeable(user: AnyUser) -> QuerySet[Organisation]:
    return visible(user, Organisation, "change")


def can_change_organisation(user: AnyUser, organisation: Organisation) -> bool:
    return _allows(user, organisation, "change")


def can_grant_on_organisation(user: AnyUser, organisation: Organisation) -> bool:
    return _allows(user, organisation, "grant")


def can_add_organisation(user: AnyUser) -> bool:
    scopes = scopes_for(user)
    return scopes.is_platform_admin or bool(scopes.coordinator_paths)


def can_see_organisation_people(user: AnyUser, organisation: Organisation) -> bool:
    return _allows(user, organisation, "people")


def people_visible(user: AnyUser) -> QuerySet[Person]:
    return visible(user, Person)


def person_contact_fellow_members_q(user: AnyUser) -> Q:
    """What higher apps contribute to the contact rule (coordination: fellow committee members)."""
    return roles.contributions_q(user, PERSON_CONTACT_POINT)


def person_contact_visible_q(user: AnyUser) -> Q | None:
    return condition(user, Person, "contact")


def people_contact_visible(user: AnyUser) -> QuerySet[Person]:
    return visible(user, Person, "contact")


def can_see_person_contact(user: AnyUser, person: Person) -> bool:
    """Also who may download what is held about the person (a subject access export)."""
    return _allows(user, person, "contact")


def people_changeable_q(user: AnyUser) -> Q | None:
    return condition(user, Person, "change")


def people_changeable(user: AnyUser) -> QuerySet[Person]:
    return visible(user, Person, "change")


def can_change_person(user: AnyUser, person: Person) -> bool:
    return _allows(user, person, "change")


def can_add_person(user: AnyUser) -> bool:
    """Coordinators (in their jurisdictions) and organisation admins (with a position in their organisation)."""
    scopes = scopes_for(user)
    return scopes.is_platform_admin or bool(scopes.coordinator_paths) or bool(scopes.admin_organisation_ids)


def can_link_login(user: AnyUser) -> bool:
    """Linking a login to a person record is a grant (the login reads and edits what the record may):
    only a platform admin sets it directly, audited; everyone else uses the invitation flow."""
    return is_platform_admin(user)


def positions_visible(user: AnyUser) -> QuerySet[Position]:
    return visible(user, Position)


def can_manage_position_in(user: AnyUser, organisation: Organisation) -> bool:
    """Whether the user keeps positions in this organisation at all (each position also needs the
    person: :func:`can_manage_position`)."""
    return can_change_organisation(user, organisation)


def positions_manageable_q(user: AnyUser) -> Q | None:
    """The Position "manage" rule as a ``Q`` (``None``: every position): per-row probes of the
    position's own organisation and person, so it can flag the rows of a list as a column."""
    return condition(user, Position, "manage")


def can_manage_position(user: AnyUser, position: Position) -> bool:
    return _allows(user, position, "manage")


def can_add_position(user: AnyUser, organisation: Organisation, person: Person) -> bool:
    """A new position needs the right to change both the organisation and the person."""
    return can_change_organisation(user, organisation) and can_change_person(user, person)


def partnerships_visible(user: AnyUser) -> QuerySet[Partnership]:
    return visible(user, Partnership)


def partnerships_changeable(user: AnyUser) -> QuerySet[Partnership]:
    return visible(user, Partnership, "change")


def can_change_partnership(user: AnyUser, partnership: Partnership) -> bool:
    return _allows(user, partnership, "change")


def can_add_partnership(user: AnyUser, organisation: Organisation, partner: Organisation) -> bool:
    return can_change_organisation(user, organisation) or can_change_organisation(user, partner)


def mapping_jurisdictions(user: AnyUser) -> QuerySet[Jurisdiction]:
    return visible(user, Jurisdiction, "map")


def mappings_visible(user: AnyUser) -> QuerySet[StakeholderMapping]:
    return visible(user, StakeholderMapping)


def mappings_changeable(user: AnyUser) -> QuerySet[StakeholderMapping]:
    return visible(user, StakeholderMapping, "change")


def can_change_mapping(user: AnyUser, mapping: StakeholderMapping) -> bool:
    return _allows(user, mapping, "change")


def can_map_in(user: AnyUser, jurisdiction: Jurisdiction) -> bool:
    return _allows(user, jurisdiction, "manage")


def offers_visible(user: AnyUser) -> QuerySet[ResourceOffer]:
    return visible(user, ResourceOffer)


def offers_changeable_q(user: AnyUser) -> Q | None:
    return condition(user, ResourceOffer, "change")


def offers_changeable(user: AnyUser) -> QuerySet[ResourceOffer]:
    return visible(user, ResourceOffer, "change")


def can_change_offer(user: AnyUser, offer: ResourceOffer) -> bool:
    return _allows(user, offer, "change")


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


def can_import(user: AnyUser) -> bool:
    """Only coordinators (into their own jurisdictions, checked row by row) and platform admins import."""
    scopes = scopes_for(user)
    return scopes.is_platform_admin or bool(scopes.coordinator_paths)

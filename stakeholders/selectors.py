"""Reads of the registry, already narrowed to what the user may see."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from core.permissions import AnyUser, allows, get_or_404, get_visible_or_404, visible, when_allowed
from stakeholders import permissions
from stakeholders.models import (
    ImportBatch,
    Jurisdiction,
    JurisdictionRole,
    LoginLinkInvitation,
    Organisation,
    OrganisationMembership,
    Partnership,
    Person,
    Position,
    ResourceOffer,
    Sector,
    StakeholderMapping,
)

M = TypeVar("M", bound=models.Model)


def within_q(jurisdiction: Jurisdiction, via: str = "jurisdiction") -> Q:
    """Rows in ``jurisdiction`` or anywhere below it; ``via`` is the lookup path to the row's
    jurisdiction (``""``: the row is a jurisdiction). The one home of the subtree filter."""
    field = f"{via}__path__startswith" if via else "path__startswith"
    return Q(**{field: jurisdiction.path})


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
    rows = (
        jurisdiction_list_visible_to(user)
        .annotate(org_count=Count("organisations", filter=Q(organisations__in=visible_orgs)))
        .order_by("path")
    )  # explicit: a model's default ordering is not kept in an aggregate on every database
    nodes: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for j in rows:  # ordered by path, so a parent always comes before its children
        node = TreeNode(j, j.org_count)
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
    engaged_in: Jurisdiction | None = None,
    min_engagement: int | None = None,
    here_only: bool = False,
) -> QuerySet[Organisation]:
    """The directory: visible organisations, filtered; ``jurisdiction`` includes its whole subtree.

    ``q`` is a full-text search (:func:`text_search`); ``engaged_in`` keeps the organisations mapped in
    that jurisdiction's stakeholder map (or below it) at ``min_engagement`` or more, as far as the user
    may see the map (the heatmap's counts link here).

    Each row carries ``can_change`` (the same rule as the object check, evaluated in the query).
    """
    qs = permissions.organisations_visible(user).select_related("sector", "jurisdiction")
    if q:
        qs = text_search(qs, q, ORGANISATION_SEARCH_FIELDS)
    if engaged_in is not None:
        engaged = permissions.mappings_visible(user).filter(
            within_q(engaged_in), engagement_level__gte=min_engagement or 1
        )
        qs = qs.filter(pk__in=engaged.values("organisation_id"))
    if sector is not None:
        qs = qs.filter(sector=sector)
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction) if here_only else qs.filter(within_q(jurisdiction))
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


def organisation_parent_visible_to(user: AnyUser, organisation: Organisation) -> Organisation | None:
    """The organisation it is part of, if the user may see that one (a hidden parent is not named)."""
    parent = organisation.parent
    return parent if parent is not None and allows(user, parent) else None


def organisation_children_visible_to(user: AnyUser, organisation: Organisation) -> QuerySet[Organisation]:
    return permissions.organisations_visible(user).filter(parent=organisation).select_related("sector")


def organisation_members_for_user(user: AnyUser, organisation: Organisation) -> QuerySet[OrganisationMembership]:
    if not permissions.can_see_organisation_people(user, organisation):
        return OrganisationMembership.objects.none()
    return organisation.memberships.select_related("user").order_by("role", "user__email")


def roles_for_user(user: AnyUser) -> dict[str, Any]:
    """The user's own roles (for the dashboard and profile), as the role resolver read them."""
    scopes = permissions.scopes_for(user)
    memberships = [
        OrganisationMembership(organisation=Organisation(pk=organisation_id, name=name), role=role)
        for organisation_id, role, name in scopes.memberships
    ]
    return {"jurisdiction_roles": list(scopes.jurisdiction_roles), "memberships": memberships}


# --- Full-text search ---------------------------------------------------------------------------

ORGANISATION_SEARCH_FIELDS = ("name", "acronym", "description")
# Never contact details: searching by an email address must not reveal whose it is.
PERSON_SEARCH_FIELDS = ("full_name", "expertise", "languages")
MAX_SEARCH_TERMS = 8


def search_terms(q: str) -> list[str]:
    return re.findall(r"\w+", q)[:MAX_SEARCH_TERMS]


def text_search(qs: QuerySet[M], q: str, fields: Sequence[str]) -> QuerySet[M]:
    """Every word of ``q`` must match the start of a word in one of ``fields`` (PostgreSQL full-text
    search with prefix matching, ranked) or appear in one of them (other databases: a simpler match).

    Applied to a queryset the selectors already narrowed, so search never shows more than the lists.
    """
    terms = search_terms(q)
    if not terms:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config="simple")
        query = SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple")
        ordering: list[Any] = list(qs.query.order_by or qs.model._meta.ordering or [])
        ranked: QuerySet[M] = (
            qs.annotate(search_document=vector, search_rank=SearchRank(vector, query))  # type: ignore[assignment]
            .filter(search_document=query)
            .order_by("-search_rank", *ordering)
        )
        return ranked
    for term in terms:
        match = Q(pk__in=[])
        for name in fields:
            match |= Q(**{f"{name}__icontains": term})
        qs = qs.filter(match)
    return qs


# --- People ------------------------------------------------------------------------------------


def person_list_visible_to(
    user: AnyUser,
    *,
    q: str = "",
    organisation: Organisation | None = None,
    jurisdiction: Jurisdiction | None = None,
) -> QuerySet[Person]:
    """Visible people; each row carries ``contact_visible`` and ``can_change`` (the rules, in the query)
    and ``visible_positions`` (the positions the user may see, prefetched in one query)."""
    qs = permissions.people_visible(user).select_related("jurisdiction")
    if q:
        qs = text_search(qs, q, PERSON_SEARCH_FIELDS)
    qs = person_filter(user, qs, organisation=organisation, jurisdiction=jurisdiction)
    return qs.annotate(
        contact_visible=when_allowed(permissions.person_contact_visible_q(user)),
        can_change=when_allowed(permissions.people_changeable_q(user)),
    ).prefetch_related(
        Prefetch(
            "positions",
            # The people of the page are visible already: the prefetch does not filter them again.
            # ``can_manage`` is the rule's own per-row probes as a column (the rule reads only the
            # position's organisation and person), not an ``EXISTS`` over positions around them.
            queryset=Position.objects.filter(permissions.positions_of_visible_people_condition(user))
            .select_related("organisation", "organisation__jurisdiction")
            .annotate(can_manage=when_allowed(permissions.positions_manageable_q(user)))
            .order_by("-start_date", "id"),
            to_attr="visible_positions",
        )
    )


def person_filter(
    user: AnyUser,
    qs: QuerySet[Person],
    *,
    organisation: Organisation | None = None,
    jurisdiction: Jurisdiction | None = None,
) -> QuerySet[Person]:
    """Narrow ``qs`` to the people of an organisation, or of a jurisdiction's subtree, through the
    positions the user may see: filtering must not reveal a position (an ended one, one in an
    organisation the user cannot see) that the person's page hides. Pages and the API use this."""
    if organisation is not None:
        qs = qs.filter(pk__in=permissions.positions_visible(user).filter(organisation=organisation).values("person_id"))
    if jurisdiction is not None:
        qs = qs.filter(
            within_q(jurisdiction)
            | Q(
                pk__in=permissions.positions_visible(user)
                .filter(within_q(jurisdiction, "organisation__jurisdiction"))
                .values("person_id")
            )
        )
    return qs


def person_get_for_user(user: AnyUser, pk: Any) -> Person:
    return get_visible_or_404(person_list_visible_to(user), pk=pk)


def position_list_for_organisation(user: AnyUser, organisation: Organisation) -> QuerySet[Position]:
    """The people of an organisation as the user may see them, current positions first."""
    return (
        permissions.positions_visible(user)
        .filter(organisation=organisation)
        .select_related("person")
        .annotate(ended=Case(When(permissions.current_positions_q(), then=Value(0)), default=Value(1)))
        .order_by("ended", "person__full_name", "id")
    )


def position_get_for_user(user: AnyUser, pk: Any) -> Position:
    return get_visible_or_404(permissions.positions_visible(user).select_related("person", "organisation"), pk=pk)


# --- Partnerships ------------------------------------------------------------------------------


def partnership_list_visible_to(
    user: AnyUser,
    *,
    organisation: Organisation | None = None,
    kind: str = "",
    jurisdiction: Jurisdiction | None = None,
    current_only: bool = False,
) -> QuerySet[Partnership]:
    qs = permissions.partnerships_visible(user).select_related(
        "organisation", "partner", "organisation__jurisdiction", "partner__jurisdiction"
    )
    if organisation is not None:
        qs = qs.filter(Q(organisation=organisation) | Q(partner=organisation))
    if kind:
        qs = qs.filter(kind=kind)
    if jurisdiction is not None:
        qs = qs.filter(
            within_q(jurisdiction, "organisation__jurisdiction") | within_q(jurisdiction, "partner__jurisdiction")
        )
    if current_only:
        qs = qs.filter(permissions.current_positions_q())
    changeable = permissions.organisations_changeable_q(user)
    if changeable is None:
        can_change: Any = Value(True)
    else:
        ids = Organisation.objects.filter(changeable).values("pk")
        can_change = when_allowed(Q(organisation__in=ids) | Q(partner__in=ids))
    return qs.annotate(can_change=can_change)


def partnership_get_for_user(user: AnyUser, pk: Any) -> Partnership:
    return get_visible_or_404(partnership_list_visible_to(user), pk=pk)


@dataclass
class NetworkNode:
    organisation: Organisation
    x: float
    y: float
    kinds: list[str]
    directions: set[str]  # "out" (this organisation refers to it), "in", "both" for undirected kinds


@dataclass
class Network:
    centre: Organisation
    nodes: list[NetworkNode]
    size: int = 360
    more: int = 0


NETWORK_MAX_NODES = 16


def organisation_network(user: AnyUser, organisation: Organisation, partnerships: Sequence[Partnership]) -> Network:
    """A small star diagram of an organisation's partners (laid out on a circle), drawn from the
    partnerships the user may see (already fetched by the caller)."""
    by_partner: dict[int, NetworkNode] = {}
    for p in partnerships:
        other, direction = (p.partner, "out") if p.organisation_id == organisation.pk else (p.organisation, "in")
        if not p.is_directed:
            direction = "both"
        node = by_partner.get(other.pk)
        if node is None:
            node = by_partner[other.pk] = NetworkNode(other, 0, 0, [], set())
        node.kinds.append(p.get_kind_display())
        node.directions.add(direction)
    nodes = list(by_partner.values())[:NETWORK_MAX_NODES]
    network = Network(organisation, nodes, more=max(0, len(by_partner) - NETWORK_MAX_NODES))
    centre = network.size / 2
    radius = network.size / 2 - 50
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / max(1, len(nodes)) - math.pi / 2
        node.x = round(centre + radius * math.cos(angle), 1)
        node.y = round(centre + radius * math.sin(angle), 1)
    return network


# --- Stakeholder mapping -----------------------------------------------------------------------


def mapping_jurisdiction_list(user: AnyUser) -> QuerySet[Jurisdiction]:
    return permissions.mapping_jurisdictions(user)


def mapping_jurisdiction_get_for_user(user: AnyUser, pk: Any) -> Jurisdiction:
    """The jurisdiction whose map is asked for; 404 unless the user may read its map."""
    return get_visible_or_404(permissions.mapping_jurisdictions(user), pk=pk)


def mapping_list_visible_to(
    user: AnyUser,
    *,
    jurisdiction: Jurisdiction | None = None,
    influence: int | None = None,
    interest: int | None = None,
    engagement_level: int | None = None,
    organisation: Organisation | None = None,
) -> QuerySet[StakeholderMapping]:
    """Mappings recorded for exactly ``jurisdiction`` (its own map), filtered."""
    qs = permissions.mappings_visible(user).select_related(
        "organisation", "organisation__sector", "organisation__jurisdiction", "jurisdiction"
    )
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    if influence:
        qs = qs.filter(influence=influence)
    if interest:
        qs = qs.filter(interest=interest)
    if engagement_level:
        qs = qs.filter(engagement_level=engagement_level)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    change = permissions.jurisdictions_manageable(user).values("pk")
    return qs.annotate(can_change=when_allowed(Q(jurisdiction__in=change))).order_by("organisation__name", "id")


def mapping_get_for_user(user: AnyUser, pk: Any) -> StakeholderMapping:
    return get_visible_or_404(mapping_list_visible_to(user), pk=pk)


@dataclass
class GridCell:
    influence: int
    interest: int
    count: int = 0
    mappings: list[StakeholderMapping] = field(default_factory=list)

    @property
    def quadrant(self) -> str:
        high_influence, high_interest = self.influence >= 3, self.interest >= 3
        if high_influence and high_interest:
            return "manage"
        if high_influence:
            return "satisfy"
        if high_interest:
            return "inform"
        return "monitor"

    @property
    def more(self) -> int:
        return self.count - len(self.mappings)


GRID_NAMES_PER_CELL = 6


def power_interest_grid(user: AnyUser, jurisdiction: Jurisdiction) -> list[list[GridCell]]:
    """Rows of influence 5..1, columns of interest 1..5; each cell with its count and the first few
    organisations by name. Two queries whatever the number of mappings."""
    qs = permissions.mappings_visible(user).filter(jurisdiction=jurisdiction)
    cells = {(i, j): GridCell(i, j) for i in range(1, 6) for j in range(1, 6)}
    for row in qs.values("influence", "interest").annotate(n=Count("pk")).order_by():
        cells[(row["influence"], row["interest"])].count = row["n"]
    first = (
        qs.select_related("organisation")
        .annotate(
            cell_rank=Window(
                RowNumber(), partition_by=[F("influence"), F("interest")], order_by=[F("organisation__name").asc()]
            )
        )
        .filter(cell_rank__lte=GRID_NAMES_PER_CELL)
        .order_by("organisation__name")
    )
    for mapping in first:
        cells[(mapping.influence, mapping.interest)].mappings.append(mapping)
    return [[cells[(i, j)] for j in range(1, 6)] for i in range(5, 0, -1)]


@dataclass
class HeatmapColumn:
    jurisdiction: Jurisdiction
    exact: bool = False  # only the organisations registered at this level, not in its parts

    @property
    def q(self) -> Q:
        if self.exact:
            return Q(jurisdiction_id=self.jurisdiction.pk)
        return within_q(self.jurisdiction)


@dataclass
class HeatmapCell:
    column: HeatmapColumn
    engaged: int
    registered: int
    level: int = 0  # colour intensity 0 (a gap) to 4


@dataclass
class HeatmapRow:
    sector: Sector
    cells: list[HeatmapCell]

    @property
    def total(self) -> int:
        return sum(cell.engaged for cell in self.cells)


@dataclass
class Heatmap:
    jurisdiction: Jurisdiction
    columns: list[HeatmapColumn]
    rows: list[HeatmapRow]
    gaps: list[tuple[HeatmapColumn, list[str]]]
    max_count: int
    min_engagement: int

    def column_totals(self) -> list[int]:
        return [sum(row.cells[i].engaged for row in self.rows) for i in range(len(self.columns))]


GAP_KINDS = (Organisation.Kind.YOUTH, Organisation.Kind.WOMEN)


def coverage_heatmap(user: AnyUser, jurisdiction: Jurisdiction, *, min_engagement: int = 1) -> Heatmap:
    """Sector x part-of-the-jurisdiction coverage: in each cell the number of organisations of that
    sector, located in that part, engaged in the jurisdiction's stakeholder map (mapped at
    ``min_engagement`` or more, anywhere in the jurisdiction's subtree), next to the number registered.
    A fixed number of queries (one column per part, counted in SQL)."""
    parts = [HeatmapColumn(child) for child in jurisdiction.children.all()]
    # Organisations registered at the jurisdiction's own level (city-wide agencies) get a column too.
    columns = [HeatmapColumn(jurisdiction, exact=True), *parts] if parts else [HeatmapColumn(jurisdiction)]
    sectors = list(sector_list())
    visible = permissions.organisations_visible(user).filter(is_active=True)
    engaged_ids = (
        permissions.mappings_visible(user)
        .filter(within_q(jurisdiction), engagement_level__gte=min_engagement)
        .values("organisation_id")
    )
    per_column = {f"c{i}": Count("pk", filter=c.q) for i, c in enumerate(columns)}
    engaged: dict[tuple[int, str], list[int]] = {}
    counted: Any = visible.filter(pk__in=engaged_ids).values("sector_id", "kind").annotate(**per_column).order_by()
    for group in counted:
        engaged[(group["sector_id"], group["kind"])] = [group[f"c{i}"] for i in range(len(columns))]
    registered: dict[int, list[int]] = {}
    counted = visible.values("sector_id").annotate(**per_column).order_by()
    for group in counted:
        registered[group["sector_id"]] = [group[f"c{i}"] for i in range(len(columns))]

    def engaged_in(i: int, *, sector_id: int | None = None, kind: str | None = None) -> int:
        return sum(
            counts[i]
            for (s, k), counts in engaged.items()
            if (sector_id is None or s == sector_id) and (kind is None or k == kind)
        )

    rows = [
        HeatmapRow(
            sector,
            [
                HeatmapCell(
                    column, engaged_in(i, sector_id=sector.pk), registered.get(sector.pk, [0] * len(columns))[i]
                )
                for i, column in enumerate(columns)
            ],
        )
        for sector in sectors
    ]
    max_count = max([cell.engaged for row in rows for cell in row.cells] or [0])
    for row in rows:
        for cell in row.cells:
            cell.level = math.ceil(4 * cell.engaged / max_count) if cell.engaged else 0
    labels = dict(Organisation.Kind.choices)
    gaps = []
    for i, column in enumerate(columns):
        missing = [str(labels[kind]) for kind in GAP_KINDS if engaged_in(i, kind=kind) == 0]
        if missing and not (column.exact and parts):
            gaps.append((column, missing))
    return Heatmap(jurisdiction, columns, rows, gaps, max_count, min_engagement)


# --- Resource offers ---------------------------------------------------------------------------


def offer_list_visible_to(
    user: AnyUser,
    *,
    jurisdiction: Jurisdiction | None = None,
    status: str = "",
    kind: str = "",
    organisation: Organisation | None = None,
) -> QuerySet[ResourceOffer]:
    """``jurisdiction`` includes offers made to its parts."""
    qs = permissions.offers_visible(user).select_related("organisation", "jurisdiction", "organisation__sector")
    if jurisdiction is not None:
        qs = qs.filter(within_q(jurisdiction))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.annotate(can_change=when_allowed(permissions.offers_changeable_q(user)))


def offer_get_for_user(user: AnyUser, pk: Any) -> ResourceOffer:
    return get_visible_or_404(offer_list_visible_to(user), pk=pk)


# --- Import ------------------------------------------------------------------------------------


def import_batch_get_for_user(user: AnyUser, pk: Any) -> ImportBatch:
    """An upload is seen only by whoever uploaded it (the ImportBatch "view" rule)."""
    return get_or_404(user, ImportBatch, pk=pk)


def import_batch_list_for_user(user: AnyUser) -> QuerySet[ImportBatch]:
    return visible(user, ImportBatch).defer("rows", "errors")


def jurisdiction_roles_for_user(user: AnyUser, jurisdiction: Jurisdiction) -> QuerySet[JurisdictionRole]:
    """Who holds a role over ``jurisdiction``: shown to those who may give roles there."""
    if not permissions.can_grant_roles_in(user, jurisdiction):
        return JurisdictionRole.objects.none()
    return (
        JurisdictionRole.objects.filter(jurisdiction=jurisdiction)
        .select_related("user")
        .order_by("role", "user__email")
    )


def login_invitation_for_token(token: str) -> LoginLinkInvitation | None:
    """The open invitation a link carries (``None``: unknown, used, expired or overtaken: the record
    got a login, or its e-mail address changed since it was sent)."""
    from django.utils import timezone

    from stakeholders.services import login_token_hash

    invitation = (
        LoginLinkInvitation.objects.select_related("person")
        .filter(token_hash=login_token_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None or invitation.person.user_id is not None:
        return None
    if invitation.person.email.strip().lower() != invitation.email:
        return None
    return invitation


def account_exists_for(email: str) -> bool:
    from core.models import User

    return User.objects.filter(email__iexact=email).exists()

"""Reads of information sharing, every one through the registered rules.

Hot lists (the item list, search, the API list, the dashboard panel) are served from the
visibility table: the newest rows of each of the user's principals (the user, their organisations,
their committees, "everyone" for TLP:CLEAR) taken from the one index, merged, then the items loaded
and checked against the rule. Keyset (cursor) pagination, never a COUNT(*). See ADR 0011.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.models import GranteeKind, User
from core.permissions import AnyUser, allows, get_or_404, restrict, visible
from infosharing import permissions as perms
from infosharing.models import (
    TLP,
    TLP_RANK,
    AccessLog,
    AccessRequest,
    Acknowledgement,
    Attachment,
    InformationItem,
    ItemGrant,
    ItemVisibility,
    SharingAgreement,
    Template,
    TrainingRecord,
    grant_in_force_q,
)

PAGE_SIZE = 50


@dataclass
class ItemPage:
    items: list[InformationItem]
    next_cursor: str | None
    candidates: list[int] = field(default_factory=list)


def encode_cursor(sort_key: datetime, item_id: int) -> str:
    return base64.urlsafe_b64encode(f"{sort_key.isoformat()}|{item_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        ts, pk = raw.rsplit("|", 1)
        when = parse_datetime(ts)
        if when is None:
            return None
        return when, int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def _like(q: str) -> str:
    return "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _candidates(
    user: AnyUser | None, *, limit: int, after: tuple[datetime, int] | None, q: str, label: str
) -> list[tuple[Any, int]]:
    """(sort key, item id) of the newest visibility rows of the user's principals, top ``limit``."""
    r = perms.roles_of(user)
    if r is None:
        return []
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    vt = ItemVisibility._meta.db_table
    it = InformationItem._meta.db_table
    parts: list[str] = []
    params: list[Any] = []
    for n, (kind, gid) in enumerate(r.principals()):
        where = ["v.grantee_kind = %s", "v.grantee_id = %s", "(v.expires_at IS NULL OR v.expires_at > %s)"]
        p: list[Any] = [kind, gid, now]
        if after is not None:
            ts = ops.adapt_datetimefield_value(after[0])
            where.append("(v.sort_key < %s OR (v.sort_key = %s AND v.item_id < %s))")
            p += [ts, ts, after[1]]
        join = ""
        if q or label:
            join = f" JOIN {it} i ON i.id = v.item_id"
            if label:
                where.append("i.label = %s")
                p.append(label)
            if q:
                where.append(
                    "(LOWER(i.title) LIKE %s ESCAPE '\\' OR LOWER(i.category) LIKE %s ESCAPE '\\' OR i.reference = %s)"
                )
                p += [_like(q), _like(q), q.strip().upper()]
        # Safe string-built SQL (nosec below): model table names and constant fragments only; every
        # value is a query parameter.
        parts.append(
            f"SELECT * FROM (SELECT v.sort_key AS sort_key, v.item_id AS item_id FROM {vt} v{join} "  # noqa: S608  # nosec B608
            f"WHERE {' AND '.join(where)} ORDER BY v.sort_key DESC, v.item_id DESC LIMIT %s) p{n}"
        )
        params += [*p, limit]
    sql = (
        "SELECT DISTINCT sort_key, item_id FROM ("  # noqa: S608  # nosec B608
        + " UNION ALL ".join(parts)
        + ") u ORDER BY sort_key DESC, item_id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [(row[0], int(row[1])) for row in cursor.fetchall()]


def _as_datetime(value: Any) -> datetime | None:
    """A sort key as the raw cursor returns it (PostgreSQL: a datetime; SQLite: text)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def search_vector() -> Any:
    from django.contrib.postgres.search import SearchVector

    return SearchVector("title", "category", config="simple")


def _search_candidates(
    user: AnyUser | None, *, limit: int, after: tuple[datetime, int] | None, q: str, label: str
) -> list[tuple[Any, int]]:
    """PostgreSQL: the items matching the words, read from the GIN index (migration 0004) first (a
    materialised step, so the planner cannot walk the date index and test every row instead), then
    kept when one of the user's principals has a live visibility row for them, newest first."""
    from django.contrib.postgres.search import SearchQuery

    r = perms.roles_of(user)
    if r is None:
        return []
    match = InformationItem.objects.annotate(search=search_vector()).filter(
        Q(search=SearchQuery(q, config="simple")) | Q(reference=q.upper()), erased_at__isnull=True
    )
    if label:
        match = match.filter(label=label)
    match_sql, match_params = match.values("id", "created_at").query.sql_with_params()
    principals = r.principals()
    pairs = " OR ".join("(v.grantee_kind = %s AND v.grantee_id = %s)" for _p in principals)
    params: list[Any] = [*match_params]
    keyset = ""
    if after is not None:
        keyset = "AND (m.created_at, m.id) < (%s, %s)"
        params += [after[0], after[1]]
    for kind, gid in principals:
        params += [kind, gid]
    params.append(timezone.now())
    params.append(limit)
    # Safe string-built SQL: the matching query's own SQL, a model table name and constant fragments;
    # every value is a query parameter.
    # The matches are sorted newest first behind an OFFSET 0 fence, so the visibility test runs on
    # the sorted stream and stops at the page's end (a broad user's page tests a few hundred matches,
    # not all of them).
    sql = (
        f"WITH m AS MATERIALIZED ({match_sql}) SELECT s.created_at, s.id FROM ("  # noqa: S608  # nosec B608
        f"SELECT m.created_at, m.id FROM m WHERE TRUE {keyset} ORDER BY m.created_at DESC, m.id DESC OFFSET 0) s "
        f"WHERE EXISTS (SELECT 1 FROM {ItemVisibility._meta.db_table} v WHERE v.item_id = s.id AND ({pairs}) "
        "AND (v.expires_at IS NULL OR v.expires_at > %s)) "
        "ORDER BY s.created_at DESC, s.id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], int(row[1])) for row in cursor.fetchall()]


def item_page_visible_to(
    user: AnyUser | None, *, cursor: str | None = None, q: str = "", label: str = "", limit: int = PAGE_SIZE
) -> ItemPage:
    """One page of the items the user may open, newest first; three queries whatever the rows."""
    limit = max(1, min(limit, 200))
    q = (q or "").strip()
    after = decode_cursor(cursor)
    if q and connection.vendor == "postgresql":
        rows = _search_candidates(user, limit=limit + 1, after=after, q=q, label=label)
    else:
        rows = _candidates(user, limit=limit + 1, after=after, q=q, label=label)
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [pk for _key, pk in rows]
    # The candidates are the user's live rows of the visibility table that the registered view rule
    # reads (``perms.item_view_rule``); what the rule adds to them is that the item is live. Checking
    # that here instead of re-running the rule saves its planning on every page (ADR 0011); the
    # property test holds listed = openable = rule.
    # Organisations come in their own primary-key lookup: joined, the planner hashes the whole
    # organisation table for a page of 50 (ADR 0011, measured).
    found = {
        item.pk: item
        for item in InformationItem.objects.filter(perms.live_item_q(), pk__in=ids)
        .order_by()
        .select_related("agreement", "template")
        .prefetch_related("organisation")
    }
    items = [found[pk] for pk in ids if pk in found]
    next_cursor = None
    if more and rows:
        last = _as_datetime(rows[-1][0])
        if last is not None:
            next_cursor = encode_cursor(last, rows[-1][1])
    return ItemPage(items=items, next_cursor=next_cursor, candidates=ids)


def item_ids_visible_to(user: AnyUser | None) -> set[int]:
    """Every item the user may open, through the rule (for tests and the permissions admin)."""
    return set(visible(user, InformationItem, perms.Action.VIEW).values_list("pk", flat=True))


def item_get_for_user(user: AnyUser | None, pk: Any) -> InformationItem:
    qs = InformationItem.objects.select_related("organisation", "agreement", "template", "originator")
    return get_or_404(user, qs, perms.Action.VIEW, pk=pk)


def item_get_for_log(user: AnyUser | None, pk: Any) -> InformationItem:
    """The item (or its tombstone) for its access log: originators, sharing admins, platform admins."""
    qs = InformationItem.objects.select_related("organisation", "agreement", "originator")
    return get_or_404(user, qs, perms.Action.VIEW_LOG, pk=pk)


def content_gate(user: AnyUser | None, item: InformationItem) -> SharingAgreement | None:
    """The agreement the user must acknowledge (with training, where required) before reading the
    item's content; ``None`` when nothing stands before the content."""
    agreement = item.agreement
    if agreement is None or item.label == TLP.CLEAR or (user is not None and item.originator_id == user.pk):
        return None
    if not isinstance(user, User):
        return agreement
    if not Acknowledgement.objects.filter(user=user, agreement=agreement).exists():
        return agreement
    return None


def training_missing(user: AnyUser | None, agreement: SharingAgreement) -> bool:
    if not agreement.training_required:
        return False
    return not (isinstance(user, User) and TrainingRecord.objects.filter(user=user).exists())


def can_download(user: AnyUser | None, item: InformationItem) -> bool:
    return allows(user, item, perms.Action.DOWNLOAD) and content_gate(user, item) is None


def downloadable(user: AnyUser | None, items: list[InformationItem]) -> list[InformationItem]:
    """Of a page of items, those the user may download or export (two queries, whatever the page)."""
    if not items:
        return []
    allowed_ids = set(
        restrict(InformationItem.objects.filter(pk__in=[i.pk for i in items]), user, perms.Action.DOWNLOAD).values_list(
            "pk", flat=True
        )
    )
    uid = user.pk if isinstance(user, User) else None
    acked = set(Acknowledgement.objects.filter(user_id=uid or 0).values_list("agreement_id", flat=True))
    return [
        i
        for i in items
        if i.pk in allowed_ids
        and (i.agreement_id is None or i.label == TLP.CLEAR or i.originator_id == uid or i.agreement_id in acked)
    ]


def item_actions(user: AnyUser | None, item: InformationItem) -> dict[str, bool]:
    return {
        "can_share": allows(user, item, perms.Action.SHARE),
        "can_manage_grants": allows(user, item, perms.Action.MANAGE_GRANTS),
        "can_relabel": allows(user, item, perms.Action.RELABEL),
        "can_view_log": allows(user, item, perms.Action.VIEW_LOG),
        "can_download": can_download(user, item),
    }


def related_for(user: AnyUser | None, ids: list[int]) -> list[tuple[int, InformationItem | None]]:
    """Items cited elsewhere: the ones the user may open, and ``None`` ("Restricted") for the rest."""
    found = {i.pk: i for i in restrict(InformationItem.objects.filter(pk__in=ids), user, perms.Action.VIEW)}
    return [(pk, found.get(pk)) for pk in ids]


def attachments_for(user: AnyUser | None, item: InformationItem) -> QuerySet[Attachment]:
    return restrict(Attachment.objects.filter(item=item), user, perms.Action.VIEW)


def attachment_get_for_download(user: AnyUser | None, item: InformationItem, pk: Any) -> Attachment:
    return get_or_404(user, Attachment.objects.filter(item=item), perms.Action.DOWNLOAD, pk=pk)


def grants_for(user: AnyUser | None, item: InformationItem) -> QuerySet[ItemGrant]:
    return restrict(ItemGrant.objects.filter(target=item), user, perms.Action.VIEW).select_related(
        "granted_by", "approved_by"
    )


def grantee_names(grants: list[ItemGrant]) -> dict[tuple[str, int], str]:
    """Names of the grantees of a page of grants, in three queries at most."""
    from coordination.models import Committee
    from stakeholders.models import Organisation

    by_kind: dict[str, set[int]] = {}
    for g in grants:
        by_kind.setdefault(g.grantee_kind, set()).add(g.grantee_id)
    names: dict[tuple[str, int], str] = {}
    for u in User.objects.filter(pk__in=by_kind.get(GranteeKind.USER, set())):
        names[(GranteeKind.USER.value, u.pk)] = str(u.public_name)
    for o in Organisation.objects.filter(pk__in=by_kind.get(GranteeKind.ORGANISATION, set())):
        names[(GranteeKind.ORGANISATION.value, o.pk)] = o.name
    for c in Committee.objects.filter(pk__in=by_kind.get(GranteeKind.COMMITTEE, set())):
        names[(GranteeKind.COMMITTEE.value, c.pk)] = c.name
    return names


def access_log_for(user: AnyUser | None, item: InformationItem) -> QuerySet[AccessLog]:
    """Who has seen this: the item's log, for those the log rule allows, newest first."""
    qs = restrict(AccessLog.objects.filter(item=item), user).select_related("actor", "actor_organisation")
    return qs.order_by("-at", "-id")


def label_counts(user: AnyUser | None) -> dict[str, int]:
    """How many items the user may open, per label (only what the rule allows is counted)."""
    rows = visible(user, InformationItem).order_by().values("label").annotate(n=Count("pk"))
    return {r["label"]: r["n"] for r in rows}


def items_newly_shared_with(user: AnyUser | None, *, days: int = 14, limit: int = 5) -> list[InformationItem]:
    """Dashboard panel: items granted to the user's principals lately, through the rule."""
    if not isinstance(user, User):
        return []
    since = timezone.now() - timedelta(days=days)
    recent = ItemGrant.objects.filter(grant_in_force_q(), perms.principals_q(user), created_at__gte=since).values(
        "target_id"
    )
    qs = restrict(InformationItem.objects.filter(pk__in=recent).exclude(originator=user), user)
    return list(qs.select_related("organisation").order_by("-created_at", "-id")[:limit])


def requests_visible_to(user: AnyUser | None) -> QuerySet[AccessRequest]:
    return visible(user, AccessRequest).select_related("item", "item__organisation", "requester", "decided_by")


def my_requests(user: User) -> QuerySet[AccessRequest]:
    """The user's own access requests, newest first."""
    return requests_visible_to(user).filter(requester=user).order_by("-created_at", "-id")


def requests_to_decide(user: User) -> QuerySet[AccessRequest]:
    """Others' requests the user sees as a decider, newest first."""
    return requests_visible_to(user).exclude(requester=user).order_by("-created_at", "-id")


def training_records_visible_to(user: AnyUser | None) -> QuerySet[TrainingRecord]:
    return visible(user, TrainingRecord).select_related("user").order_by("-completed_on", "-id")


def request_get_for_user(user: AnyUser | None, pk: Any) -> AccessRequest:
    return get_or_404(user, AccessRequest.objects.select_related("item"), perms.Action.VIEW, pk=pk)


def agreements_visible_to(user: AnyUser | None) -> QuerySet[SharingAgreement]:
    return visible(user, SharingAgreement).prefetch_related("parties__organisation").order_by("title", "id")


def agreement_get_for_user(user: AnyUser | None, pk: Any) -> SharingAgreement:
    qs = SharingAgreement.objects.select_related("impact_assessment").prefetch_related(
        "parties__organisation", "signatories__organisation", "client_committees"
    )
    return get_or_404(user, qs, perms.Action.VIEW, pk=pk)


def agreement_record_of_processing(agreement: SharingAgreement) -> dict[str, Any]:
    """The record of processing (GDPR art. 30 style) an agreement yields."""
    return {
        "controller_parties": list(agreement.parties.all()),
        "purposes": agreement.purpose,
        "categories": agreement.categories,
        "lawful_basis": agreement.get_lawful_basis_display(),
        "special": agreement.special_category or agreement.criminal_offence,
        "condition": agreement.special_condition,
        "dpia": agreement.impact_assessment,
        "recipients": [p.organisation for p in agreement.parties.all()] + list(agreement.client_committees.all()),
        "retention_days": agreement.retention_days,
        "erasure": agreement.disposal,
        "security": agreement.security_measures,
        "rights": agreement.rights_handling,
        "max_tlp": agreement.max_tlp,
    }


def templates_visible_to(user: AnyUser | None) -> QuerySet[Template]:
    return visible(user, Template)


def agreements_for_sharing(user: AnyUser | None, organisation_id: int | None = None) -> QuerySet[SharingAgreement]:
    """Agreements an item may cite: visible to the user, open for sharing, the organisation a party."""
    from infosharing.models import sharing_open_q

    qs = visible(user, SharingAgreement).filter(sharing_open_q())
    if organisation_id is not None:
        qs = qs.filter(parties__organisation_id=organisation_id)
    return qs.distinct()


def highest_label(labels: list[str]) -> str:
    ranked = [lab for lab in labels if lab]
    return max(ranked, key=lambda lab: TLP_RANK[lab]) if ranked else ""


# --- "Everything organisation X or person Y can see" ------------------------------------------


def grantee_visibility(actor: AnyUser | None, *, kind: str, grantee_id: int) -> QuerySet[InformationItem]:
    """What a grantee can open, for sharing admins (items of their organisations) and platform admins
    (every item), newest first: reference, label, category, originating organisation and retention,
    never content (a list that grows with the items: page it by keyset)."""
    none = InformationItem.objects.none()
    if not perms.can_see_sharing_permissions(actor):
        return none
    if kind == GranteeKind.USER:
        target = User.objects.filter(pk=grantee_id, is_active=True).first()
        if target is None:
            return none
        item_q = perms.item_view_rule(target)
    else:
        item_q = Q(pk__in=ItemVisibility.objects.filter(grantee_kind=kind, grantee_id=grantee_id).values("item_id")) & (
            perms.live_item_q()
        )
    oversight = restrict(InformationItem.objects.filter(item_q), actor, perms.Action.VIEW_LOG)
    return (
        oversight.select_related("organisation")
        .order_by("-created_at", "-id")
        .only("pk", "reference", "label", "category", "organisation__name", "created_at", "retention_until")
    )


def visibility_of_grantee(
    actor: AnyUser | None, *, kind: str, grantee_id: int, limit: int = 200
) -> list[dict[str, Any]]:
    """The newest ``limit`` rows of :func:`grantee_visibility`, as plain values."""
    return [
        {
            "pk": i.pk,
            "reference": i.reference,
            "label": i.label,
            "category": i.category,
            "organisation": i.organisation.name,
            "retention_until": i.retention_until,
        }
        for i in grantee_visibility(actor, kind=kind, grantee_id=grantee_id)[:limit]
    ]

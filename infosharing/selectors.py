"""Reads of information sharing, every one through the registered rules.

Hot lists (the item list, search, the CSV export, the API list) are served from the visibility
table: the newest rows of each of the user's principals (the user, their organisations, their
committees, "everyone" for TLP:CLEAR) taken from the one index, merged, and the live items among
them loaded; on PostgreSQL all of it in one statement. Keyset (cursor) pagination, never a
COUNT(*). See ADR 0011.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.models import GranteeKind, User
from core.permissions import AnyUser, allows, get_or_404, is_active_user, restrict, visible
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
from stakeholders.models import Organisation

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


def item_page_visible_to(
    user: AnyUser | None, *, cursor: str | None = None, q: str = "", label: str = "", limit: int = PAGE_SIZE
) -> ItemPage:
    """One page of the items the user may open, newest first. On PostgreSQL one query whatever the
    rows (the principals, the candidates and the items with their organisation, agreement and
    template in one statement); elsewhere the roles, the candidates and the items apart."""
    limit = max(1, min(limit, 200))
    q = (q or "").strip()
    after = decode_cursor(cursor)
    if connection.vendor == "postgresql":
        if not is_active_user(user):
            return ItemPage(items=[], next_cursor=None)
        assert isinstance(user, User)
        rows, found = _page_in_one_statement(user, limit=limit + 1, after=after, q=q, label=label)
    else:
        rows = _candidates(user, limit=limit + 1, after=after, q=q, label=label)
        # The candidates are the user's live rows of the visibility table that the registered view
        # rule reads (``perms.item_view_rule``); what the rule adds to them is that the item is live.
        # Checking that here instead of re-running the rule saves its planning on every page (ADR
        # 0011); the property test holds listed = openable = rule.
        found = {
            item.pk: item
            for item in InformationItem.objects.filter(perms.live_item_q(), pk__in=[pk for _k, pk in rows[:limit]])
            .order_by()
            .select_related("organisation", "agreement", "template")
        }
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [pk for _key, pk in rows]
    items = [found[pk] for pk in ids if pk in found]
    next_cursor = None
    if more and rows:
        last = _as_datetime(rows[-1][0])
        if last is not None:
            next_cursor = encode_cursor(last, rows[-1][1])
    return ItemPage(items=items, next_cursor=next_cursor, candidates=ids)


def _principals_sql(user: User) -> tuple[str, list[Any]]:
    """The rows (kind, id) of ``perms.SharingRoles.principals``, for the page's own statement: the
    user, ``everyone``, the organisations they belong to (a membership carries no dates) and the
    committees they currently sit on (``current_memberships_q``, the one definition of in force).
    The SQL is compiled once a day (the seats' dates are its only values besides the user, who is
    the one-row relation ``me``)."""
    from coordination.models import CommitteeMembership
    from coordination.permissions import current_memberships_q
    from stakeholders.models import OrganisationMembership

    today = timezone.localdate()
    cached = _PRINCIPALS.get(today)
    if cached is None:
        me = RawSQL("me.uid", (), output_field=BigIntegerField())
        orgs, orgs_params = (
            OrganisationMembership.objects.filter(user_id=me)
            .order_by()
            .values("organisation_id")
            .query.sql_with_params()
        )
        seats, seats_params = (
            CommitteeMembership.objects.filter(current_memberships_q(), person__user_id=me)
            .order_by()
            .values("committee_id")
            .query.sql_with_params()
        )
        sql = (
            "me AS (SELECT %s::bigint AS uid), pr AS MATERIALIZED ("  # noqa: S608  # nosec B608
            "SELECT %s::text AS kind, me.uid AS gid FROM me UNION ALL SELECT %s, 0 "
            f"UNION ALL SELECT %s, o.organisation_id FROM me CROSS JOIN LATERAL ({orgs}) o "
            f"UNION ALL SELECT %s, s.committee_id FROM me CROSS JOIN LATERAL ({seats}) s)"
        )
        params = [
            GranteeKind.USER.value,
            ItemVisibility.EVERYONE,
            GranteeKind.ORGANISATION.value,
            *orgs_params,
            GranteeKind.COMMITTEE.value,
            *seats_params,
        ]
        cached = (sql, params)
        if len(_PRINCIPALS) > 3:  # another day: yesterday's are not needed
            _PRINCIPALS.clear()
        _PRINCIPALS[today] = cached
    return cached[0], [user.pk, *cached[1]]


_PRINCIPALS: dict[date, tuple[str, list[Any]]] = {}


@dataclass
class _Reader:
    """Reads one model's columns out of a joined row, as ``select_related`` would: the select list,
    and per column the backend's and the field's converters."""

    model: Any
    columns: list[str]
    attnames: list[str]
    converters: list[tuple[int, list[Any], Any]]

    @classmethod
    def of(cls, model: Any, alias: str) -> _Reader:
        key = (model, alias, connection.vendor)
        if key not in _READERS:
            qn = connection.ops.quote_name
            fields = list(model._meta.concrete_fields)
            converters = []
            for n, f in enumerate(fields):
                col = f.get_col(alias)
                convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if convs:
                    converters.append((n, convs, col))
            _READERS[key] = cls(
                model, [f"{alias}.{qn(f.column)}" for f in fields], [f.attname for f in fields], converters
            )
        return _READERS[key]

    def read(self, values: list[Any]) -> Any:
        if values[0] is None:  # the primary key: no row joined
            return None
        for n, convs, col in self.converters:
            for conv in convs:
                values[n] = conv(values[n], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


_READERS: dict[tuple[Any, str, str], _Reader] = {}


def _page_in_one_statement(
    user: User, *, limit: int, after: tuple[datetime, int] | None, q: str, label: str
) -> tuple[list[tuple[Any, int]], dict[int, InformationItem]]:
    """PostgreSQL: the page in one statement. The principals are read in it (``_principals_sql``);
    the candidates are the newest ``limit`` live visibility rows of those principals (the top of each
    principal's index range, ``LATERAL``, merged; a search keeps only the rows of items among the
    matches of the full-text index); the items are joined to them with the rule's remaining
    condition (the item is live) and their organisation, agreement and template. Every candidate
    comes back, with or without its item, so the cursor is the last candidate's as on the portable
    path."""
    vt = ItemVisibility._meta.db_table
    it = InformationItem._meta.db_table
    now = timezone.now()
    principals, params = _principals_sql(user)
    live = "(v.expires_at IS NULL OR v.expires_at > %s)"
    if q:
        from django.contrib.postgres.search import SearchQuery

        match = InformationItem.objects.annotate(search=search_vector()).filter(
            Q(search=SearchQuery(q, config="simple")) | Q(reference=q.upper()), erased_at__isnull=True
        )
        if label:
            match = match.filter(label=label)
        match_sql, match_params = match.order_by().values("id", "created_at", "label").query.sql_with_params()
        # Each principal's rows are read newest first from the covering index (index-only) and kept
        # when the item is among the matches: ``IN`` over the matches, tested as ``IS TRUE`` so the
        # planner keeps it a hashed set probed row by row in index order (a join would read the
        # principal's whole range and sort it), and each principal stops at the page's end.
        # ``everyone`` is the exception: its rows are exactly the live TLP:CLEAR items
        # (``services.visibility_rows_for``), so its share is the CLEAR matches themselves, newest
        # first, instead of a walk through every CLEAR item of the platform.
        where = [
            "v.grantee_kind = pr.kind",
            "v.grantee_id = pr.gid",
            live,
            "(v.item_id IN (SELECT m.id FROM m)) IS TRUE",
        ]
        params += [*match_params, now]
        keyset = ""
        keyset_params: list[Any] = []
        if after is not None:
            where.append("(v.sort_key < %s OR (v.sort_key = %s AND v.item_id < %s))")
            params += [after[0], after[0], after[1]]
            keyset = "AND (m.created_at < %s OR (m.created_at = %s AND m.id < %s))"
            keyset_params = [after[0], after[0], after[1]]
        candidates = (
            f"m AS MATERIALIZED ({match_sql}), "  # noqa: S608  # nosec B608
            "c AS MATERIALIZED (SELECT DISTINCT u.sort_key, u.item_id FROM ("
            "SELECT t.sort_key, t.item_id FROM pr CROSS JOIN LATERAL ("
            f"SELECT v.sort_key, v.item_id FROM {vt} v WHERE {' AND '.join(where)} "
            "ORDER BY v.sort_key DESC, v.item_id DESC LIMIT %s) t WHERE pr.kind <> %s "
            f"UNION ALL (SELECT m.created_at, m.id FROM m WHERE m.label = %s {keyset} "
            "ORDER BY m.created_at DESC, m.id DESC LIMIT %s)"
            ") u ORDER BY u.sort_key DESC, u.item_id DESC LIMIT %s)"
        )
        params += [limit, ItemVisibility.EVERYONE, TLP.CLEAR, *keyset_params, limit, limit]
    else:
        where = ["v.grantee_kind = pr.kind", "v.grantee_id = pr.gid", live]
        params.append(now)
        if after is not None:
            where.append("(v.sort_key < %s OR (v.sort_key = %s AND v.item_id < %s))")
            params += [after[0], after[0], after[1]]
        join = ""
        if label:
            join = f" JOIN {it} i ON i.id = v.item_id"
            where.append("i.label = %s")
            params.append(label)
        candidates = (
            "c AS MATERIALIZED (SELECT DISTINCT t.sort_key, t.item_id FROM pr CROSS JOIN LATERAL ("  # noqa: S608  # nosec B608
            f"SELECT v.sort_key, v.item_id FROM {vt} v{join} WHERE {' AND '.join(where)} "
            "ORDER BY v.sort_key DESC, v.item_id DESC LIMIT %s) t ORDER BY t.sort_key DESC, t.item_id DESC LIMIT %s)"
        )
        params += [limit, limit]
    qn = connection.ops.quote_name
    # The rule's remaining condition, compiled from ``perms.live_item_q`` itself, so it reads the
    # item table by its own name.
    live_query = InformationItem.objects.filter(perms.live_item_q()).query
    live_where, live_params = live_query.get_compiler(connection=connection).compile(live_query.where)
    readers = [
        _Reader.of(InformationItem, qn(it)),
        _Reader.of(Organisation, "o"),
        _Reader.of(SharingAgreement, "a"),
        _Reader.of(Template, "t"),
    ]
    select = ", ".join(", ".join(r.columns) for r in readers)
    sql = (
        f"WITH {principals}, {candidates} "  # noqa: S608  # nosec B608
        f"SELECT c.sort_key, c.item_id, {select} FROM c "
        f"LEFT JOIN {qn(it)} ON {qn(it)}.id = c.item_id AND {live_where} "
        f"LEFT JOIN {qn(Organisation._meta.db_table)} o ON o.id = {qn(it)}.organisation_id "
        f"LEFT JOIN {qn(SharingAgreement._meta.db_table)} a ON a.id = {qn(it)}.agreement_id "
        f"LEFT JOIN {qn(Template._meta.db_table)} t ON t.id = {qn(it)}.template_id "
        "ORDER BY c.sort_key DESC, c.item_id DESC"
    )
    params += live_params
    rows: list[tuple[Any, int]] = []
    found: dict[int, InformationItem] = {}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        fetched = cur.fetchall()
    # one instance per organisation, agreement and template of the page (select_related makes one
    # per row; the page shares them, as a prefetch would)
    seen: dict[tuple[Any, Any], Any] = {}
    relations: list[Any] = [InformationItem._meta.get_field(n) for n in ("organisation", "agreement", "template")]
    for row in fetched:
        rows.append((row[0], int(row[1])))
        offset = 2 + len(readers[0].columns)
        item = readers[0].read(list(row[2:offset]))
        if item is None:
            continue
        for reader, relation in zip(readers[1:], relations, strict=True):
            end = offset + len(reader.columns)
            key = (reader.model, row[offset])
            if key not in seen:
                seen[key] = reader.read(list(row[offset:end]))
            relation.set_cached_value(item, seen[key])
            offset = end
        found[item.pk] = item
    return rows, found


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


# --- Per agreement: who may see what, and why ---------------------------------------------------

#: Items per page of an agreement's access page, and grants shown per item (more: the item's log page).
ACCESS_PAGE_SIZE = 25
GRANTS_PER_ITEM = 50


@dataclass
class GrantShown:
    """A grant in force or awaiting approval, with its grantee's name and, for a named person,
    when they acknowledged the agreement (``None``: not yet)."""

    grant: ItemGrant
    grantee_name: str
    acknowledged_at: datetime | None = None

    @property
    def awaiting_approval(self) -> bool:
        return self.grant.needs_approval and self.grant.approved_at is None


@dataclass
class ItemAccess:
    """One item shared under the agreement, for those who administer it: its title only when the
    viewer may open it (``restricted`` otherwise), never its content."""

    item: InformationItem
    restricted: bool
    can_revoke: bool
    grants: list[GrantShown]
    more_grants: bool

    @property
    def title(self) -> str | None:
        return None if self.restricted else self.item.title


@dataclass
class AgreementAccess:
    agreement: SharingAgreement
    items: Any  # core.pagination.KeysetPage of ItemAccess
    acknowledgements: Any  # core.pagination.KeysetPage of Acknowledgement (with training_on, training_course)


def agreement_get_for_manager(user: AnyUser | None, pk: Any) -> SharingAgreement:
    """The agreement for those who manage it (its parties' sharing admins, platform admins); 404 for
    everyone else, including those who may read it."""
    return get_or_404(user, SharingAgreement.objects.all(), perms.Action.MANAGE, pk=pk)


def agreement_items_administered(user: AnyUser | None, agreement: SharingAgreement) -> QuerySet[InformationItem]:
    """The agreement's items (not erased) whose grants and log the user administers (the items'
    ``view_log`` rule: originator, the originating organisation's sharing admins, platform admins),
    newest first; metadata fields only."""
    qs = InformationItem.objects.filter(agreement=agreement, erased_at__isnull=True)
    return (
        restrict(qs, user, perms.Action.VIEW_LOG)
        .select_related("organisation", "originator")
        .only(
            "pk",
            "reference",
            "title",
            "label",
            "category",
            "created_at",
            "retention_until",
            "erased_at",
            "agreement_id",
            "organisation__name",
            "originator__full_name",
        )
        .order_by("-created_at", "-id")
    )


def _grants_in_force_for(user: AnyUser | None, item_ids: list[int], per_item: int) -> list[ItemGrant]:
    """The grants in force or awaiting approval of a page of items, at most ``per_item + 1`` per item
    (newest first), in one query whatever the number of grants."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from core.grants import active_q

    qs = (
        restrict(ItemGrant.objects.filter(active_q(), target_id__in=item_ids), user, perms.Action.VIEW)
        .select_related("granted_by", "approved_by")
        .annotate(
            n=Window(RowNumber(), partition_by=[F("target_id")], order_by=[F("created_at").desc(), F("id").desc()])
        )
        .filter(n__lte=per_item + 1)
        .order_by("target_id", "n")
    )
    return list(qs)


def agreement_access(
    user: AnyUser | None,
    agreement: SharingAgreement,
    request: Any,
    *,
    page_size: int = ACCESS_PAGE_SIZE,
    grants_per_item: int = GRANTS_PER_ITEM,
) -> AgreementAccess:
    """Who may see what under the agreement, and why: a keyset page of the items the user administers
    (``?cursor=``) with their grants, and a keyset page of the people who acknowledged the agreement
    (``?ack_cursor=``) with their latest training. A fixed number of queries whatever the items,
    grants or acknowledgements (ADR 0011)."""
    from django.db.models import OuterRef, Subquery

    from core.pagination import keyset_page

    items_page = keyset_page(request, agreement_items_administered(user, agreement), page_size=page_size)
    items: list[InformationItem] = list(items_page.object_list)
    ids = [i.pk for i in items]
    openable: set[int] = set()
    revocable: set[int] = set()
    grants: list[ItemGrant] = []
    if ids:
        page_qs = InformationItem.objects.filter(pk__in=ids)
        openable = set(restrict(page_qs, user, perms.Action.VIEW).values_list("pk", flat=True))
        revocable = set(restrict(page_qs, user, perms.Action.MANAGE_GRANTS).values_list("pk", flat=True))
        grants = _grants_in_force_for(user, ids, grants_per_item)
    names = grantee_names(grants) if grants else {}
    people = {g.grantee_id for g in grants if g.grantee_kind == GranteeKind.USER}
    acknowledged: dict[int, datetime] = (
        dict(
            Acknowledgement.objects.filter(agreement=agreement, user_id__in=people).values_list(
                "user_id", "acknowledged_at"
            )
        )
        if people
        else {}
    )
    by_item: dict[int, list[ItemGrant]] = {}
    for g in grants:
        by_item.setdefault(g.target_id, []).append(g)
    rows = []
    for item in items:
        shown = by_item.get(item.pk, [])
        rows.append(
            ItemAccess(
                item=item,
                restricted=item.pk not in openable,
                can_revoke=item.pk in revocable,
                grants=[
                    GrantShown(
                        grant=g,
                        grantee_name=names.get((g.grantee_kind, g.grantee_id), "?"),
                        acknowledged_at=acknowledged.get(g.grantee_id) if g.grantee_kind == GranteeKind.USER else None,
                    )
                    for g in shown[:grants_per_item]
                ],
                more_grants=len(shown) > grants_per_item,
            )
        )
    items_page.object_list = rows

    latest = TrainingRecord.objects.filter(user_id=OuterRef("user_id")).order_by("-completed_on", "-id")
    acks = (
        restrict(Acknowledgement.objects.filter(agreement=agreement), user, perms.Action.VIEW)
        .select_related("user")
        .only("pk", "acknowledged_at", "agreement_id", "user__full_name")
        .annotate(
            training_on=Subquery(latest.values("completed_on")[:1]),
            training_course=Subquery(latest.values("course")[:1]),
        )
        .order_by("-acknowledged_at", "-id")
    )
    acks_page = keyset_page(request, acks, page_size=page_size, cursor_param="ack_cursor")
    return AgreementAccess(agreement=agreement, items=items_page, acknowledgements=acks_page)


def agreement_grant_for_admin(user: AnyUser | None, agreement: SharingAgreement, pk: Any) -> ItemGrant:
    """A grant on one of the agreement's items that the user administers (404 otherwise); whether
    they may revoke it is the revoke service's decision."""
    items = agreement_items_administered(user, agreement).values("pk")
    qs = ItemGrant.objects.filter(target__in=items).select_related("target", "target__agreement")
    return get_or_404(user, qs, perms.Action.VIEW, pk=pk)

"""Benchmark: the information-item list and search through the visibility table (ADR 0011).

    DATABASE_URL=postgres://roundtable:roundtable@127.0.0.1:5432/rt_infosharing ALLOWED_HOSTS=testserver \
        .venv/bin/python bench/infosharing_visibility.py [--items 1000000] [--explain]

PostgreSQL only. Builds the data once (skipped when the bench agreement exists): 2,000
organisations, 500 committees, 20,000 users (each in one organisation; 5,000 on two committees),
``--items`` items (default 1M; labels 5% CLEAR, 30% GREEN, 40% AMBER, 15% AMBER+STRICT, 10% RED)
with about four grants each (4.2M at 1M items; organisations chosen with a skew so that a few
receive most; AMBER also to committees; RED to named users) and the visibility table derived from
them. Then prints, for the first page (50 rows) of the list and of a search, for a broad, a typical
and a narrow user next to the same page unfiltered (no permission at all): the in-database time
(EXPLAIN ANALYZE), the selector's wall time, and end to end the page and the API through Django's
test client (p50/p95 and queries per request), each measured in interleaved rounds (``--rounds``).
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from coordination.models import Committee, CommitteeMembership  # noqa: E402
from core.models import User  # noqa: E402
from core.permissions import forget  # noqa: E402
from infosharing import selectors  # noqa: E402
from infosharing.models import AccessRequest, InformationItem, ItemGrant, ItemVisibility, SharingAgreement  # noqa: E402
from stakeholders.models import Jurisdiction, Organisation, OrganisationMembership, Person, Sector  # noqa: E402

TITLE = "Bench sharing agreement"
N_ORGS, N_COMMITTEES, N_USERS, N_ON_COMMITTEES = 2000, 500, 20000, 5000
WORDS = 100  # titles "Report <n> about topic<k>": a search for one topic matches 1% of items


def build(n_items: int) -> None:
    call_command("migrate", verbosity=0)
    if SharingAgreement.objects.filter(title=TITLE).exists():
        return
    t0 = time.perf_counter()
    with transaction.atomic():
        root = Jurisdiction.objects.create(name="Bench sharing", code="BENCHIS", level="national", path="/x/")
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
        sector = Sector.objects.create(name="Bench sector IS", code="bench-is")
        Organisation.objects.bulk_create(
            Organisation(name=f"Bench org {i}", kind="civil_society", sector=sector, jurisdiction=root)
            for i in range(N_ORGS)
        )
        orgs = list(Organisation.objects.filter(jurisdiction=root).order_by("pk").values_list("pk", flat=True))
        Committee.objects.bulk_create(
            Committee(name=f"Bench committee {i}", kind="lpn", jurisdiction=root) for i in range(N_COMMITTEES)
        )
        committees = list(Committee.objects.filter(jurisdiction=root).order_by("pk").values_list("pk", flat=True))
        pw = make_password("bench")
        User.objects.bulk_create(
            User(email=f"bench-is-{i}@example.org", full_name=f"Bench {i}", password=pw, last_login=timezone.now())
            for i in range(N_USERS)
        )
        users = list(User.objects.filter(email__startswith="bench-is-").order_by("pk").values_list("pk", flat=True))
        OrganisationMembership.objects.bulk_create(
            OrganisationMembership(user_id=u, organisation_id=orgs[i % N_ORGS]) for i, u in enumerate(users)
        )
        Person.objects.bulk_create(Person(full_name=f"Bench {i}", user_id=users[i]) for i in range(N_ON_COMMITTEES))
        people = list(
            Person.objects.filter(user_id__in=users[:N_ON_COMMITTEES]).order_by("user_id").values_list("pk", flat=True)
        )
        CommitteeMembership.objects.bulk_create(
            CommitteeMembership(committee_id=committees[20 + (i * 7) % 480 if k else i % 20], person_id=p)
            for i, p in enumerate(people)
            for k in (0, 1)
        )
        agreement = SharingAgreement.objects.create(
            title=TITLE,
            purpose="bench",
            summary="bench",
            categories=["Bench"],
            lawful_basis="public_task",
            disposal="-",
            security_measures="-",
            rights_handling="-",
            primary_user_roles="-",
            next_review=timezone.localdate().replace(year=timezone.localdate().year + 1),
            status="active",
            max_tlp="RED",
        )
    print(f"registry built in {time.perf_counter() - t0:.0f} s", flush=True)
    it = InformationItem._meta.db_table
    u0, o0 = users[0], orgs[0]
    with connection.cursor() as c:
        t = time.perf_counter()
        c.execute(
            f"""
            INSERT INTO {it} (reference, title, "values", facts, opinion, label, category, originator_id,
                organisation_id, agreement_id, retention_until, created_at, updated_at)
            SELECT 'B-' || n, 'Report ' || n || ' about topic' || (n %% {WORDS}), '{{}}', 'facts', 'opinion',
                CASE WHEN n %% 20 = 0 THEN 'CLEAR' WHEN n %% 20 < 7 THEN 'GREEN' WHEN n %% 20 < 15 THEN 'AMBER'
                     WHEN n %% 20 < 18 THEN 'AMBER+STRICT' ELSE 'RED' END,
                'Bench', %s + ((n * 7919) %% {N_USERS}), %s + (((n * 7919) %% {N_USERS}) %% {N_ORGS}), %s,
                now()::date + 365, now() - (n || ' seconds')::interval * 60, now()
            FROM generate_series(1::bigint, %s::bigint) AS n
            """,  # noqa: S608
            [u0, o0, agreement.pk, n_items],
        )
        print(f"{n_items} items in {time.perf_counter() - t:.0f} s", flush=True)
    grants()


def grants() -> None:
    """Grants and the visibility table (again from scratch with ``--regrant``). The pseudo-random
    choice is a hash of the item id and the grant number, so it varies per row (``random()`` in a
    lateral subquery is evaluated once per distinct outer value)."""
    it, gt, vt = InformationItem._meta.db_table, ItemGrant._meta.db_table, ItemVisibility._meta.db_table
    u0 = User.objects.filter(email__startswith="bench-is-").order_by("pk").values_list("pk", flat=True).first()
    o0 = Organisation.objects.filter(name__startswith="Bench org ").order_by("pk").values_list("pk", flat=True).first()
    c0 = (
        Committee.objects.filter(name__startswith="Bench committee ")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    with connection.cursor() as c:
        c.execute(f"TRUNCATE {vt}, {gt}, {AccessRequest._meta.db_table}")
        t = time.perf_counter()
        # GREEN and AMBER+STRICT to 4 organisations, AMBER to 3 organisations and 2 committees, RED to
        # 4 named users. Organisations are skewed (u^3): a few receive most grants.
        c.execute(
            f"""
            INSERT INTO {gt} (permission, grantee_kind, grantee_id, reason, revoke_reason, created_at, target_id,
                needs_approval)
            SELECT 'read', g.kind, g.gid, 'bench', '', i.created_at, i.id, false
            FROM {it} i
            CROSS JOIN LATERAL (
                SELECT CASE WHEN i.label = 'RED' THEN 'user'
                            WHEN i.label = 'AMBER' AND k >= 3 THEN 'committee' ELSE 'organisation' END AS kind,
                       CASE WHEN i.label = 'RED' THEN %s + (h %% {N_USERS})
                            WHEN i.label = 'AMBER' AND k >= 3 THEN %s + (h %% {N_COMMITTEES})
                            ELSE %s + floor({N_ORGS} * power((h %% 1000003) / 1000003.0, 3))::int END AS gid
                FROM (SELECT k, ((i.id * 2654435761 + k * 40503) %% 4294967291) AS h
                      FROM generate_series(0, CASE WHEN i.label = 'AMBER' THEN 4 ELSE 3 END) AS k) ks
            ) g
            WHERE i.label <> 'CLEAR' AND i.reference LIKE 'B-%%'
            ON CONFLICT DO NOTHING
            """,  # noqa: S608
            [u0, c0, o0],
        )
        print(f"{c.rowcount} grants in {time.perf_counter() - t:.0f} s", flush=True)
        t = time.perf_counter()
        c.execute(
            f"""
            INSERT INTO {vt} (grantee_kind, grantee_id, sort_key, item_id, expires_at)
            SELECT DISTINCT g.grantee_kind, g.grantee_id, i.created_at, i.id, NULL::timestamptz
            FROM {gt} g JOIN {it} i ON i.id = g.target_id WHERE i.reference LIKE 'B-%%'
            UNION SELECT 'user', i.originator_id, i.created_at, i.id, NULL FROM {it} i WHERE i.reference LIKE 'B-%%'
            UNION SELECT 'everyone', 0, i.created_at, i.id, NULL FROM {it} i
                WHERE i.label = 'CLEAR' AND i.reference LIKE 'B-%%'
            ON CONFLICT DO NOTHING
            """  # noqa: S608
        )
        print(f"{c.rowcount} visibility rows in {time.perf_counter() - t:.0f} s", flush=True)
        # every table, not only the sharing ones: without statistics on the 2,000 organisations the
        # planner hashes the whole table for a page of 50 items
        c.execute("ANALYZE")
        # and the visibility map, as autovacuum leaves it in the steady state: without it no scan is
        # index-only
        for table in (it, gt, vt):
            c.execute(f"VACUUM {table}")


Case = tuple[str, str]  # (persona, page)


def interleaved(cases: dict[Case, Callable[[], object]], rounds: int) -> dict[Case, tuple[float, float, int]]:
    """p50 and p95 (ms) and the queries of each case, measured in rounds that run every case once in
    a shuffled order, so the machine's load falls on all of them alike."""
    import random

    samples: dict[Case, list[float]] = {k: [] for k in cases}
    queries: dict[Case, int] = {}
    for key, fn in cases.items():  # warm up and count
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries[key] = len(ctx.captured_queries)
        assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries if "infosharing_item" in q["sql"]), (
            key
        )
    order = list(cases)
    rng = random.Random(7)
    for _ in range(rounds):
        rng.shuffle(order)
        for key in order:
            t = time.perf_counter()
            cases[key]()
            samples[key].append((time.perf_counter() - t) * 1000)
    out = {}
    for key, xs in samples.items():
        xs.sort()
        out[key] = (statistics.median(xs), xs[max(0, int(len(xs) * 0.95) - 1)], queries[key])
    return out


def sql_ms(cases: dict[Case, Callable[[], object]], rounds: int = 9) -> dict[Case, tuple[float, int]]:
    """In-database cost of each case: planning + execution of each of its queries (EXPLAIN ANALYZE),
    summed per round; median over interleaved rounds. Unlike wall time it hardly moves with the load."""
    import json
    import random

    captured: dict[Case, list[str]] = {}
    for key, fn in cases.items():
        with CaptureQueriesContext(connection) as ctx:
            fn()
        captured[key] = [
            q["sql"]
            for q in ctx.captured_queries
            if q["sql"].lstrip().upper().startswith(("SELECT", "(SELECT", "WITH"))
        ]
    totals: dict[Case, list[float]] = {k: [] for k in cases}
    order = list(cases)
    rng = random.Random(11)
    with connection.cursor() as c:
        for _ in range(rounds):
            rng.shuffle(order)
            for key in order:
                total = 0.0
                for sql in captured[key]:
                    c.execute("EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) " + sql)
                    plan = c.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
                totals[key].append(total)
    return {k: (statistics.median(v), len(captured[k])) for k, v in totals.items()}


def personas() -> dict[str, User]:
    users = list(User.objects.filter(email__startswith="bench-is-").order_by("pk")[:N_USERS])
    # broad: a member of the organisation most grants go to, on two committees;
    # typical: a member of an organisation in the middle of the skew, on no committee;
    # narrow: a member of an organisation that receives almost nothing, on no committee.
    # (user i belongs to organisation i mod 2,000; organisation k receives a share ~ ((k+1)^(1/3) - k^(1/3)))
    return {"broad": users[0], "typical": users[6100], "narrow": users[5999]}


TOPIC = "topic7"


def unfiltered(q: str = "") -> list[InformationItem]:
    """The same first page with no permission at all (search: the same full-text index), 51 rows
    read as the real page reads them (the 51st tells whether there is more)."""
    from django.contrib.postgres.search import SearchQuery

    qs = InformationItem.objects.select_related("organisation", "agreement", "template").order_by("-created_at", "-id")
    if q:
        qs = qs.annotate(search=selectors.search_vector()).filter(search=SearchQuery(q, config="simple"))
    return list(qs[:51])


def unfiltered_page(
    user: object, *, cursor: str | None = None, q: str = "", label: str = "", limit: int = selectors.PAGE_SIZE
) -> selectors.ItemPage:
    """Stands in for ``selectors.item_page_visible_to`` in the unfiltered end-to-end rounds: the views
    do all their other work (session, user, roles, template or serializer, search log) as usual."""
    rows = unfiltered(q)
    items = rows[:limit]
    more = len(rows) > limit
    cur = selectors.encode_cursor(items[-1].created_at, items[-1].pk) if more and items else None
    return selectors.ItemPage(items=items, next_cursor=cur, candidates=[i.pk for i in items])


PAGES = {"list": ("/sharing/", {}), "search": ("/sharing/", {"q": TOPIC})}
API = {"API list": ("/api/v1/information-items/", {}), "API search": ("/api/v1/information-items/", {"q": TOPIC})}


def report(explain: bool, rounds: int) -> None:
    """The first page (50 rows) of the list and of a search, for a broad, a typical and a narrow user,
    next to the same page unfiltered (no permission at all): in the database (EXPLAIN ANALYZE), at the
    selector, and end to end (the page and the API through Django's test client: middleware,
    session, view, template or serializer). JIT off for the session, as for OLTP."""
    from django.test import Client
    from django.urls import reverse

    with connection.cursor() as c:
        c.execute("SET jit = off")
    PAGES["list"] = (reverse("infosharing:item-list"), {})
    PAGES["search"] = (reverse("infosharing:item-list"), {"q": TOPIC})
    people = personas()
    print(
        f"items {InformationItem.objects.count():,}, grants {ItemGrant.objects.count():,}, "
        f"visibility rows {ItemVisibility.objects.count():,}, users {User.objects.count():,}; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )

    def page(u: User, q: str = "") -> object:
        forget(u)  # roles are read again, as in a new request
        return selectors.item_page_visible_to(u, q=q)

    # --- in the database and at the selector
    sel: dict[Case, Callable[[], object]] = {
        ("unfiltered", "list"): unfiltered,
        ("unfiltered", "search"): lambda: unfiltered(TOPIC),
    }
    for name, user in people.items():
        sel[(name, "list")] = functools.partial(page, user)
        sel[(name, "search")] = functools.partial(page, user, TOPIC)
    in_db = sql_ms(sel)
    print(f"in the database, ms (plan + run) [queries] x unfiltered; load {os.getloadavg()[0]:.1f}")
    _table(["list", "search"], {k: (v[0], v[0], v[1]) for k, v in in_db.items()}, people, p95=False)
    at_selector = interleaved(sel, rounds)
    print(f"at the selector (wall), p50 ms (p95) [queries] x unfiltered; load {os.getloadavg()[0]:.1f}")
    _table(["list", "search"], at_selector, people)

    # --- end to end
    clients = {}
    for name, user in [("unfiltered", people["narrow"]), *people.items()]:
        clients[name] = Client()
        clients[name].force_login(user)
    real = selectors.item_page_visible_to

    def get(name: str, path: str, params: dict[str, str]) -> object:
        selectors.item_page_visible_to = unfiltered_page if name == "unfiltered" else real
        try:
            response = clients[name].get(path, params)
        finally:
            selectors.item_page_visible_to = real
        assert response.status_code == 200, (name, path, response.status_code)
        return response

    e2e: dict[Case, Callable[[], object]] = {}
    for name in clients:
        for col, (path, params) in {**PAGES, **API}.items():
            e2e[(name, col)] = functools.partial(get, name, path, params)
    through = interleaved(e2e, rounds)
    print(f"end to end (test client), p50 ms (p95) [queries] x unfiltered; load {os.getloadavg()[0]:.1f}")
    _table([*PAGES, *API], through, people)

    for name, user in people.items():
        n = ItemVisibility.objects.filter(
            grantee_kind="organisation",
            grantee_id__in=OrganisationMembership.objects.filter(user=user).values("organisation_id"),
        ).count()
        print(f"{name}: about {n} items through the organisation")
        if explain:
            for q in ("", TOPIC):
                with CaptureQueriesContext(connection) as ctx:
                    page(user, q)
                with connection.cursor() as c:
                    c.execute("EXPLAIN (ANALYZE, BUFFERS) " + ctx.captured_queries[-1]["sql"])
                    print("\n".join(r[0] for r in c.fetchall()))


def _table(
    cols: list[str], found: dict[Case, tuple[float, float, int]], people: dict[str, User], p95: bool = True
) -> None:
    print(f"{'':12}" + "".join(f"{c:>30}" for c in cols))
    for name in ["unfiltered", *people]:
        cells = []
        for col in cols:
            p50, p, q = found[(name, col)]
            ratio = p50 / found[("unfiltered", col)][0]
            cells.append(f"{p50:7.2f} ({p:6.2f}) [{q}] {ratio:4.2f}x" if p95 else f"{p50:7.3f} [{q}] {ratio:4.2f}x")
        print(f"{name:12}" + "".join(f"{c:>30}" for c in cells), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--regrant", action="store_true", help="rewrite the grants and the visibility table")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "the benchmark runs on PostgreSQL (DATABASE_URL)"
    build(args.items)
    if args.regrant:
        grants()
    if not args.build_only:
        report(args.explain, args.rounds)

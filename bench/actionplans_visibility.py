"""Benchmark: "my actions", the actions API's first page and the national roll-up, through the
permission registry (ADR 0010).

    DATABASE_URL=postgres://roundtable:roundtable@127.0.0.1:5432/rt_actionplans \
    ALLOWED_HOSTS=testserver,127.0.0.1 \
        .venv/bin/python bench/actionplans_visibility.py --actions 1000000 [--explain]

Builds the data once (idempotent: skipped when the bench root exists; ``--actions`` etc. apply to
the first build): one national plan, 47 county plans, the rest district plans (5,000 plans in all),
200,000 organisations, 20,000 users each a member of one organisation, ``--actions`` actions spread
over the district plans with a lead organisation and one partner each, and for the roll-up one
national indicator, 47 linked county indicators and three linked district indicators per county,
each with four accepted quarterly values. Then prints p50/p95 (ms) and query counts of:

* the actions API's first page (cursor pagination, newest first) for a platform admin (no permission
  filter: the baseline), a national coordinator (broad: every row), a county coordinator (typical)
  and an organisation member (narrow: a handful of actions);
* "my actions" (open actions of the user's organisations, with RAG and reports due) for a member of
  an umbrella of 200 organisations (broad), of one organisation (typical), and of an organisation
  leading one action (narrow), against the same query without the permission filter;
* the national roll-up over the 47 county plans (and their linked districts).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parents[1] / 'var' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from actionplans import selectors  # noqa: E402
from actionplans.models import Action, ActionPlan, Indicator, Objective, ProgressUpdate  # noqa: E402
from core.models import User  # noqa: E402
from stakeholders.models import Jurisdiction, JurisdictionRole, Organisation, OrganisationMembership, Sector  # noqa: E402

ROOT_CODE = "BENCH-AP"
N_COUNTIES = 47


def build(n_actions: int, n_plans: int, n_orgs: int, n_users: int) -> None:
    call_command("migrate", verbosity=0)
    if Jurisdiction.objects.filter(code=ROOT_CODE).exists():
        return
    started = time.perf_counter()
    today = timezone.localdate()
    start, end = today - timedelta(days=365), today + timedelta(days=365)
    with transaction.atomic():
        root = Jurisdiction.objects.create(name="Bench nation", code=ROOT_CODE, level="national", path="/x/")
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
        counties = []
        for i in range(N_COUNTIES):
            c = Jurisdiction.objects.create(
                name=f"County {i}", code=f"{ROOT_CODE}-{i}", level="province", parent=root, path="/x/", depth=1
            )
            c.path = f"{root.path}{c.pk}/"
            c.save(update_fields=["path"])
            counties.append(c)
        n_districts = n_plans - 1 - N_COUNTIES
        Jurisdiction.objects.bulk_create(
            [
                Jurisdiction(
                    name=f"District {i}",
                    code=f"{ROOT_CODE}-D{i}",
                    level="district",
                    parent=counties[i % N_COUNTIES],
                    path=f"/tmp{i}/",
                    depth=2,
                )
                for i in range(n_districts)
            ],
            batch_size=5000,
        )
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE stakeholders_jurisdiction d SET path = p.path || d.id || '/' FROM stakeholders_jurisdiction p "
                "WHERE d.parent_id = p.id AND d.code LIKE %s",
                [f"{ROOT_CODE}-D%"],
            )
        districts = list(Jurisdiction.objects.filter(code__startswith=f"{ROOT_CODE}-D").order_by("id"))
        sector = Sector.objects.first() or Sector.objects.create(name="Bench sector", code="bench-sector")
        Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Bench org {i:06d}", kind="ngo", sector=sector, jurisdiction=districts[i % len(districts)]
                )
                for i in range(n_orgs)
            ],
            batch_size=5000,
        )
        org_ids = list(
            Organisation.objects.filter(name__startswith="Bench org ").order_by("id").values_list("id", flat=True)
        )
        password = make_password("bench")
        User.objects.bulk_create(
            [
                User(email=f"bench-ap-{i}@example.org", full_name=f"Bench user {i}", password=password)
                for i in range(n_users)
            ],
            batch_size=5000,
        )
        users = list(User.objects.filter(email__startswith="bench-ap-").order_by("id").values_list("id", flat=True))
        # Each user a member of one organisation (spread over the first n_users * 7 organisations).
        OrganisationMembership.objects.bulk_create(
            [
                OrganisationMembership(user_id=u, organisation_id=org_ids[(i * 7) % n_orgs], role="member")
                for i, u in enumerate(users)
            ],
            batch_size=5000,
        )
        national = ActionPlan.objects.create(
            title="National bench plan", jurisdiction=root, period_start=start, period_end=end, status="active"
        )
        county_plans = ActionPlan.objects.bulk_create(
            [
                ActionPlan(
                    title=f"County plan {i}",
                    jurisdiction=c,
                    parent=national,
                    period_start=start,
                    period_end=end,
                    status="active",
                )
                for i, c in enumerate(counties)
            ]
        )
        county_plans = list(ActionPlan.objects.filter(parent=national).order_by("id"))
        ActionPlan.objects.bulk_create(
            [
                ActionPlan(
                    title=f"District plan {i}",
                    jurisdiction=d,
                    parent=county_plans[i % N_COUNTIES],
                    period_start=start,
                    period_end=end,
                    status="active",
                )
                for i, d in enumerate(districts)
            ],
            batch_size=5000,
        )
        district_plans = list(ActionPlan.objects.filter(title__startswith="District plan ").order_by("id"))
        Objective.objects.bulk_create(
            [Objective(plan=p, code="O1", title="Objective") for p in district_plans], batch_size=5000
        )
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_ap_plans")
            cur.execute(
                "CREATE TEMP TABLE bench_ap_plans AS SELECT row_number() OVER (ORDER BY o.id) - 1 AS n, o.plan_id, "
                "o.id AS objective_id FROM actionplans_objective o JOIN actionplans_actionplan p ON p.id = o.plan_id "
                "WHERE p.title LIKE 'District plan %'"
            )
            cur.execute(
                "CREATE TEMP TABLE bench_ap_orgs AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id "
                "FROM stakeholders_organisation WHERE name LIKE 'Bench org %'"
            )
            cur.execute("CREATE INDEX ON bench_ap_plans (n)")
            cur.execute("CREATE INDEX ON bench_ap_orgs (n)")
            n_p, n_o = len(district_plans), n_orgs
            # Actions: the first organisation of the "narrow" persona leads exactly one (org n = n_orgs - 1
            # is never chosen by the formula below except at i = 0 by construction).
            cur.execute(
                f"""
                INSERT INTO actionplans_action (plan_id, objective_id, title, description, kind, lead_organisation_id,
                    planned_start, planned_end, status, progress, progress_as_of, weight, rag_override,
                    rag_override_reason, currency, local_only, version, created_at, updated_at)
                SELECT p.plan_id, p.objective_id, 'Action ' || g, '', 'activity', o.id,
                    %s::date - (mod(g, 300) || ' days')::interval,
                    %s::date - (mod(g, 300) || ' days')::interval + (30 + mod(g, 500) || ' days')::interval,
                    CASE WHEN mod(g, 10) = 0 THEN 'completed' ELSE 'in_progress' END, mod(g * 13, 100),
                    CASE WHEN mod(g, 3) = 0 THEN NULL ELSE %s::date END, 1, '', '', '', mod(g, 20) = 0, 1, now(), now()
                FROM generate_series(1, %s) g
                JOIN bench_ap_plans p ON p.n = mod(g, {n_p})
                JOIN bench_ap_orgs o ON o.n = mod(g::bigint * 7919, {n_o - 1})
                """,
                [today, today, today, n_actions],
            )
            cur.execute(
                f"""
                INSERT INTO actionplans_actionpartner (action_id, organisation_id, role)
                SELECT a.id, o.id, 'implementing' FROM actionplans_action a
                JOIN bench_ap_orgs o ON o.n = mod(a.id * 104729, {n_o - 1})
                WHERE a.title LIKE 'Action %'
                """
            )
            cur.execute(
                "INSERT INTO actionplans_action (plan_id, objective_id, title, description, kind, "
                "lead_organisation_id, planned_start, planned_end, status, progress, weight, rag_override, "
                "rag_override_reason, currency, local_only, version, created_at, updated_at) "
                "SELECT p.plan_id, p.objective_id, 'Narrow action', '', 'activity', o.id, %s, %s, 'in_progress', "
                "10, 1, '', '', '', false, 1, now(), now() FROM bench_ap_plans p, bench_ap_orgs o "
                "WHERE p.n = 0 AND o.n = %s",
                [start, end, n_o - 1],
            )
        # The roll-up: national indicator, 47 linked county indicators, 3 linked district ones each.
        n_ind = Indicator.objects.create(plan=national, code="N1", name="Trained", cumulative=True)
        for i, cp in enumerate(county_plans):
            ci = Indicator.objects.create(plan=cp, code="C1", name="Trained", cumulative=True, parent=n_ind)
            kids = [
                Indicator.objects.create(plan=dp, code="D1", name="Trained", cumulative=True, parent=ci)
                for dp in district_plans[i::N_COUNTIES][:3]
            ]
            for ind in (ci, *kids):
                ProgressUpdate.objects.bulk_create(
                    [
                        ProgressUpdate(
                            indicator=ind,
                            plan_id=ind.plan_id,
                            period_start=start + timedelta(days=91 * q),
                            period_end=start + timedelta(days=91 * q + 90),
                            value=10 * (q + 1),
                            status="accepted",
                        )
                        for q in range(4)
                    ]
                )
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


CPU_P50: list[float] = []


def timed(func: Callable[[], Any], runs: int) -> tuple[float, float, int]:
    """p50 and p95 wall time (ms) and the query count; the p50 of this process's CPU time (Python,
    without the database server's) goes to ``CPU_P50``: on a loaded machine it is the steadier figure."""
    func()  # warm
    samples = []
    cpu = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t, c = time.perf_counter(), time.process_time()
            func()
            samples.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        queries = len(ctx.captured_queries)
    samples.sort()
    CPU_P50.append(statistics.median(cpu))
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--plans", type=int, default=5_000)
    parser.add_argument("--organisations", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the broad API page and the national roll-up with pyinstrument (a dev dependency)",
    )
    args = parser.parse_args()
    build(args.actions, args.plans, args.organisations, args.users)

    root = Jurisdiction.objects.get(code=ROOT_CODE)
    county = Jurisdiction.objects.get(code=f"{ROOT_CODE}-0")

    def persona(email: str, **roles: Any) -> User:
        user, _ = User.objects.get_or_create(email=email, defaults={"full_name": email})
        for kind, target in roles.items():
            if kind in ("coordinator", "liaison"):
                JurisdictionRole.objects.get_or_create(user=user, jurisdiction=target, role=kind)
            elif kind == "orgs":
                for org_id in target:
                    OrganisationMembership.objects.get_or_create(
                        user=user, organisation_id=org_id, defaults={"role": "member"}
                    )
        return user

    org_ids = list(
        Organisation.objects.filter(name__startswith="Bench org ").order_by("id").values_list("id", flat=True)
    )
    admin = persona("bench-ap-admin@example.org")
    User.objects.filter(pk=admin.pk).update(is_superuser=True, is_staff=True)
    admin.refresh_from_db()
    national = persona("bench-ap-national@example.org", coordinator=root)
    county_coordinator = persona("bench-ap-county@example.org", coordinator=county)
    liaison = persona("bench-ap-liaison@example.org", liaison=root)
    umbrella = persona("bench-ap-umbrella@example.org", orgs=org_ids[:200])
    typical = User.objects.get(email="bench-ap-1@example.org")
    narrow = persona("bench-ap-narrow@example.org", orgs=[org_ids[-1]])
    print(
        f"actions: {Action.objects.count():,}, plans: {ActionPlan.objects.count():,}, "
        f"organisations: {Organisation.objects.count():,}, users: {User.objects.count():,}"
    )

    def fresh(user: User) -> User:
        return User.objects.get(pk=user.pk)  # a new user object: roles are read as in a request

    def api(user: User) -> Callable[[], Any]:
        client = Client()
        client.force_login(user)

        def run() -> Any:
            response = client.get("/api/v1/actions/")
            assert response.status_code == 200, response.status_code
            return response

        return run

    rows: list[tuple[str, float, float, int, int]] = []

    def row(label: str, func: Callable[[], Any], count: Callable[[], int]) -> None:
        p50, p95, q = timed(func, args.runs)
        rows.append((label, p50, p95, q, count()))
        print(
            f"{label:<62} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  cpu p50 {CPU_P50[-1]:7.1f} ms  "
            f"{q:3d} queries  rows {rows[-1][4]}",
            flush=True,
        )

    for label, user in [
        ("API /actions/ first page, platform admin (no filter)", admin),
        ("API /actions/ first page, national coordinator (broad)", national),
        ("API /actions/ first page, county coordinator (typical)", county_coordinator),
        ("API /actions/ first page, national liaison", liaison),
        ("API /actions/ first page, organisation member (narrow)", narrow),
        ("API /actions/ first page, one-organisation member", typical),
    ]:
        run = api(user)
        row(label, run, lambda run=run: len(run().json()["results"]))  # type: ignore[misc]

    open_unfiltered = (
        Action.objects.filter(status__in=Action.OPEN)
        .select_related("plan", "lead_organisation", "objective")
        .order_by("planned_end", "id")
    )
    row("my actions query without a permission filter (baseline)", lambda: list(open_unfiltered[:200]), lambda: 200)
    for label, user in [
        ("my actions, member of 200 organisations (broad)", umbrella),
        ("my actions, member of one organisation (typical)", typical),
        ("my actions, organisation leading one action (narrow)", narrow),
    ]:

        def mine(user: User = user) -> list[Action]:
            return selectors.my_actions(fresh(user))

        def count(mine: Callable[[], list[Action]] = mine) -> int:
            return len(mine())

        row(label, mine, count)

    national_plan = ActionPlan.objects.get(title="National bench plan")
    row(
        "national roll-up over 47 county plans (+141 districts), liaison",
        lambda: selectors.plan_rollup(fresh(liaison), national_plan),
        lambda: len(selectors.plan_rollup(fresh(liaison), national_plan)[0].children),
    )
    [line] = selectors.plan_rollup(fresh(liaison), national_plan)
    print(f"national rolled-up value: {line.rolled.value} (47 counties x (40 + 3 x 40))")

    if args.profile:
        from pyinstrument import Profiler

        for label, func in [
            ("API /actions/ first page, national coordinator", api(national)),
            ("national roll-up, liaison", lambda: selectors.plan_rollup(fresh(liaison), national_plan)),
        ]:
            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(5):
                    func()
            print(f"--- profile: {label} (5 runs)")
            print(profiler.output_text(unicode=False, color=False, show_all=False))

    if args.explain:
        from actionplans.permissions import actions_visible_rule

        for user in (narrow, typical, county_coordinator):
            qs = Action.objects.filter(actions_visible_rule(fresh(user))).order_by("-id")[:51]
            print(user.email, qs.explain(analyze=True))


if __name__ == "__main__":
    main()

"""Benchmark: "my actions", the actions API's first page and the national roll-up, through the
permission registry (ADR 0010).

    DATABASE_URL=postgres://roundtable:roundtable@127.0.0.1:5432/rt_actionplans \
    ALLOWED_HOSTS=testserver,127.0.0.1 \
        .venv/bin/python bench/actionplans_visibility.py --actions 1000000 --runs 15 --due-index [--explain]

Builds the data once (idempotent: skipped when the bench root exists; ``--actions`` etc. apply to
the first build): one national plan, 47 county plans, the rest district plans (5,000 plans in all),
200,000 organisations, 20,000 users each a member of one organisation, ``--actions`` actions spread
over the district plans with a lead organisation and one partner each (and the organisations' due
lists, as the model signals keep them), and for the roll-up one
national indicator, 47 linked county indicators and three linked district indicators per county,
each with four accepted quarterly values; then ``VACUUM ANALYZE``. Then runs, in interleaved rounds
(each round every scenario once, the order rotated), and prints wall p50/p95, the time waiting for
the database, the CPU time of this process and of its PostgreSQL backend ("work", steady whatever
else runs on the cores), each over its group's baseline, and the query counts, of:

* the actions API's first page (cursor pagination, newest first), end to end through the test
  client, for a platform admin (no permission filter: the baseline), a national coordinator (broad:
  every row), a county coordinator (typical), a national liaison and organisation members (narrow);
* the "my actions" page, end to end, for a member of an umbrella of 200 organisations (broad), of
  one organisation (typical), and of an organisation leading one action (narrow), against the same
  view and template over the first 200 open actions without the filter; and the selector alone;
* the national roll-up over the 47 county plans (and their linked districts): the selector and the
  roll-up API end to end.

``--due-index`` gives the unfiltered "my actions" baseline an index for its order (created in the
bench database only); ``--only TEXT`` keeps the scenarios whose group or label contains TEXT (and
their baseline); ``--explain`` prints EXPLAIN ANALYZE of each page's own query; ``--profile``
profiles each scenario with pyinstrument.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault(
    "CONN_MAX_AGE", "60"
)  # persistent connections, as in production (a new one per request otherwise)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parents[1] / 'var' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from actionplans import selectors  # noqa: E402
from actionplans.models import Action, ActionPlan, Indicator, Objective, ProgressUpdate  # noqa: E402
from core.models import User  # noqa: E402
from core.pagination import Source  # noqa: E402
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
            # The organisations' due lists (what the model signals keep for rows saved one by one).
            cur.execute(
                "INSERT INTO actionplans_duelistentry (organisation_id, action_id, planned_end) "
                "SELECT lead_organisation_id, id, planned_end FROM actionplans_action WHERE status IN %s "
                "UNION SELECT p.organisation_id, a.id, a.planned_end FROM actionplans_actionpartner p "
                "JOIN actionplans_action a ON a.id = p.action_id WHERE a.status IN %s",
                [tuple(Action.OPEN), tuple(Action.OPEN)],
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
        cur.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps: visibility map set, no dead rows
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


@dataclass
class Sample:
    wall: float  # ms, the whole call (for a page: request, middleware, view, template or JSON)
    sql: float  # ms spent in the database calls (execute and fetch, as the client waits for them)
    cpu: float  # ms of this process's CPU time (Python; the database server's is not counted)
    db_cpu: float  # ms of CPU time of the database server's process for this connection
    queries: int

    @property
    def work(self) -> float:
        """CPU time on both sides: what the call costs whatever else the cores are doing (on an
        idle machine the wall time is this plus the round trips' latency)."""
        return self.cpu + self.db_cpu


def _backend_cpu_ns() -> int:
    """CPU time (ns) of the PostgreSQL process serving this connection, from the kernel's
    scheduler statistics (0 where they cannot be read: another host, SQLite)."""
    if connection.vendor != "postgresql":
        return 0
    connection.ensure_connection()
    raw = connection.connection
    if getattr(_backend_cpu_ns, "conn", None) is not raw:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            _backend_cpu_ns.pid = cur.fetchone()[0]  # type: ignore[attr-defined]
        _backend_cpu_ns.conn = raw  # type: ignore[attr-defined]
    try:
        with open(f"/proc/{_backend_cpu_ns.pid}/schedstat") as f:  # type: ignore[attr-defined]
            return int(f.read().split()[0])
    except OSError:
        return 0


@dataclass
class Scenario:
    group: str
    label: str
    func: Callable[[], Any]
    baseline: bool = False
    samples: list[Sample] = field(default_factory=list)
    rows: int = 0

    def sample(self) -> None:
        sql = [0.0, 0]

        def timer(execute: Any, sql_text: str, params: Any, many: bool, context: Any) -> Any:
            t = time.perf_counter()
            try:
                return execute(sql_text, params, many, context)
            finally:
                sql[0] += time.perf_counter() - t
                sql[1] += 1

        db0 = _backend_cpu_ns()
        with connection.execute_wrapper(timer):
            t, c = time.perf_counter(), time.process_time()
            self.func()
            wall, cpu = time.perf_counter() - t, time.process_time() - c
        db_cpu = (_backend_cpu_ns() - db0) / 1e6
        self.samples.append(Sample(wall * 1000, sql[0] * 1000, cpu * 1000, db_cpu, int(sql[1])))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run_interleaved(scenarios: list[Scenario], runs: int) -> None:
    """Every round runs each scenario once, in an order rotated by one each round, so that the
    machine's load (other jobs on shared cores) weighs on all of them alike."""
    for s in scenarios:
        s.func()  # warm (connections, caches, the ORM's compiled paths)
    for r in range(runs):
        k = r % len(scenarios)
        for s in scenarios[k:] + scenarios[:k]:
            s.sample()


def report(scenarios: list[Scenario]) -> None:
    """Wall time p50/p95, the part of it spent waiting for the database, the CPU time of this process
    and of the database server (and their sum, "work"), and each figure over the group's baseline:
    the ratio of the p50s and the median of the ratios within a round ("paired")."""
    by_group: dict[str, Scenario] = {s.group: s for s in scenarios if s.baseline}
    print(
        f"{'':<58} {'wall p50':>8} {'p95':>7} {'x base':>6} {'paired':>6} {'SQL p50':>7} {'CPU py':>6} "
        f"{'CPU db':>6} {'work':>6} {'p95':>6} {'x base':>6} {'q':>3} rows"
    )
    group = ""
    for s in scenarios:
        if s.group != group:
            group = s.group
            print(f"-- {group}")
        wall = [x.wall for x in s.samples]
        work = [x.work for x in s.samples]
        base = by_group.get(s.group)
        ratio = paired = work_ratio = ""
        if base is not None:
            ratio = f"{statistics.median(wall) / statistics.median([x.wall for x in base.samples]):.2f}"
            paired = f"{statistics.median(a.wall / b.wall for a, b in zip(s.samples, base.samples, strict=True)):.2f}"
            work_ratio = f"{statistics.median(work) / statistics.median([x.work for x in base.samples]):.2f}"
        print(
            f"{s.label:<58} {statistics.median(wall):8.1f} {pct(wall, 0.95):7.1f} {ratio:>6} {paired:>6} "
            f"{statistics.median(x.sql for x in s.samples):7.1f} {statistics.median(x.cpu for x in s.samples):6.1f} "
            f"{statistics.median(x.db_cpu for x in s.samples):6.1f} {statistics.median(work):6.1f} "
            f"{pct(work, 0.95):6.1f} {work_ratio:>6} {s.samples[-1].queries:3d} {s.rows}",
            flush=True,
        )


def explain(label: str, func: Callable[[], Any]) -> None:
    """EXPLAIN ANALYZE of the page's own query."""
    captured: list[tuple[float, str, Any]] = []

    def timer(execute: Any, sql_text: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            captured.append((time.perf_counter() - t, sql_text, params))

    with connection.execute_wrapper(timer):
        func()
    # The page's own query: the longest over the table listed (actions; else the longest of all).
    own = [c for c in captured if c[1].startswith('SELECT "actionplans_action"."id"')] or captured
    ms, sql_text, params = max(own, key=lambda c: len(c[1]))
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql_text, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    print(f"--- {label}: longest of {len(captured)} queries ({ms * 1000:.1f} ms)\n{sql_text[:600]}\n{plan}\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--plans", type=int, default=5_000)
    parser.add_argument("--organisations", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--due-index",
        action="store_true",
        help="give the unfiltered 'my actions' baseline an index for its order (bench only, see below)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile each scenario with pyinstrument (a dev dependency)",
    )
    parser.add_argument(
        "--only", default="", help="only the scenarios whose group or label has this (and its baseline)"
    )
    args = parser.parse_args()
    build(args.actions, args.plans, args.organisations, args.users)
    with connection.cursor() as cur:
        # Not in the application (no page lists every open action by due date): with it, the
        # unfiltered "my actions" baseline is the fastest such a page could be, not a sort of every
        # open action; the filtered queries do not use it (see --explain).
        if args.due_index:
            cur.execute(
                "CREATE INDEX IF NOT EXISTS bench_ap_open_due_idx ON actionplans_action (planned_end, id) "
                "WHERE status IN ('planned', 'in_progress', 'suspended')"
            )
        else:
            cur.execute("DROP INDEX IF EXISTS bench_ap_open_due_idx")
        cur.execute("ANALYZE actionplans_action")
        cur.execute("VACUUM ANALYZE actionplans_duelistentry")  # filled by its migration on an older build

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

    def page(user: User, url: str, json_rows: str = "") -> Callable[[], Any]:
        client = Client()
        client.force_login(user)

        def run() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if json_rows:
                return len(response.json()[json_rows])
            return response.content.count(b'<th scope="row">')

        return run

    def unfiltered_my_actions_page() -> Callable[[], Any]:
        """The "my actions" page with its filter taken away: the same view, lists and template over
        the open actions of all (the page's cost without the permission filter)."""
        run = page(admin, "/plans/mine/")

        def everything(user: User) -> list[Source]:
            return [Source(Action.objects.filter(status__in=Action.OPEN))]

        def baseline() -> Any:
            own = selectors.my_actions_sources
            selectors.my_actions_sources = everything
            try:
                return run()
            finally:
                selectors.my_actions_sources = own

        return baseline

    national_plan = ActionPlan.objects.get(title="National bench plan")
    api_group = "API /api/v1/actions/ first page (50, newest first), end to end"
    page_group = "'my actions' page /plans/mine/ (200 open actions by due date), end to end"
    sel_group = "'my actions' selector alone (in process; no target: not a page, its baseline reads no roles)"
    roll_group = "national roll-up over 47 county plans (+141 linked districts), liaison"
    scenarios = [
        Scenario(api_group, "platform admin (no filter: baseline)", page(admin, "/api/v1/actions/", "results"), True),
        Scenario(api_group, "national coordinator (broad: every row)", page(national, "/api/v1/actions/", "results")),
        Scenario(api_group, "county coordinator (typical)", page(county_coordinator, "/api/v1/actions/", "results")),
        Scenario(api_group, "national liaison (no local-only rows)", page(liaison, "/api/v1/actions/", "results")),
        Scenario(api_group, "one-organisation member", page(typical, "/api/v1/actions/", "results")),
        Scenario(
            api_group,
            "member of an organisation leading one action (narrow)",
            page(narrow, "/api/v1/actions/", "results"),
        ),
        Scenario(page_group, "same page without the filter (baseline)", unfiltered_my_actions_page(), True),
        Scenario(page_group, "member of 200 organisations (broad)", page(umbrella, "/plans/mine/")),
        Scenario(page_group, "member of one organisation (typical)", page(typical, "/plans/mine/")),
        Scenario(page_group, "organisation leading one action (narrow)", page(narrow, "/plans/mine/")),
        Scenario(
            sel_group,
            "open_actions_page(all actions) (baseline)",
            lambda: selectors.open_actions_page(Action.objects.all()),
            True,
        ),
        Scenario(sel_group, "member of 200 organisations (broad)", lambda: selectors.my_actions(fresh(umbrella))),
        Scenario(sel_group, "member of one organisation (typical)", lambda: selectors.my_actions(fresh(typical))),
        Scenario(sel_group, "organisation leading one action (narrow)", lambda: selectors.my_actions(fresh(narrow))),
        Scenario(roll_group, "selectors.plan_rollup", lambda: selectors.plan_rollup(fresh(liaison), national_plan)),
        Scenario(
            roll_group,
            "API /api/v1/action-plans/<national>/rollup/, end to end",
            page(liaison, f"/api/v1/action-plans/{national_plan.pk}/rollup/", "indicators"),
        ),
    ]
    if args.only:
        groups = {s.group for s in scenarios if args.only in f"{s.group}: {s.label}"}
        scenarios = [s for s in scenarios if s.group in groups and (s.baseline or args.only in f"{s.group}: {s.label}")]
    for s in scenarios:
        s.rows = s.func()
        if isinstance(s.rows, list):
            s.rows = len(s.rows)
    [line] = selectors.plan_rollup(fresh(liaison), national_plan)
    print(
        f"national rolled-up value: {line.rolled.value} (47 counties x (40 + 3 x 40)), "
        f"{len(line.visible_children)} county lines listed"
    )
    print(f"load average before: {os.getloadavg()}", flush=True)
    started = time.perf_counter()
    run_interleaved(scenarios, args.runs)
    took = time.perf_counter() - started
    print(f"{args.runs} interleaved rounds in {took:.0f} s; load average after: {os.getloadavg()}")
    report(scenarios)

    if args.profile:
        from pyinstrument import Profiler

        for s in scenarios:
            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(5):
                    s.func()
            print(f"--- profile: {s.group}: {s.label} (5 runs)")
            print(profiler.output_text(unicode=False, color=False, show_all=False))

    if args.explain:
        for s in scenarios:
            explain(f"{s.group}: {s.label}", s.func)


if __name__ == "__main__":
    main()

"""Benchmark: committees and meetings as seen through the permission layer (ADR 0003).

    createdb (as postgres): CREATE DATABASE roundtable_bench2 OWNER roundtable
    DATABASE_URL=postgres://roundtable:roundtable@127.0.0.1:5432/roundtable_bench2 \
    ALLOWED_HOSTS=testserver,127.0.0.1 \
        .venv/bin/python bench/committee_visibility.py [--explain]

Builds the data once (idempotent: it is skipped when the bench root jurisdiction exists): 200
districts, 5,000 committees, 20,000 people (5,000 with a login), 60,000 memberships (10% ended),
100,000 meetings over two years with every current member invited, attendance for the past ones,
two agenda items a meeting and one outcome a past meeting. Then prints p50/p95 (ms) and the number
of queries of: the committee list's first page, the meeting API's first page (cursor pagination), a
committee page, a meeting page and the calendar month, each through the selectors and through the
test client, for a district coordinator, a national liaison, a member of three committees and an
outsider; the calendar month and a day's list also for a national coordinator (all 5,000
committees: ``--only calendar``). ``--explain`` prints EXPLAIN ANALYZE of the slowest query of each row.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "False")  # measure without DEBUG's query log
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parents[1] / 'var' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from coordination import permissions, selectors  # noqa: E402
from coordination.models import (  # noqa: E402
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    Decision,
    Invitation,
    Meeting,
)
from core.models import User  # noqa: E402
from stakeholders.models import Jurisdiction, JurisdictionRole, Organisation, Person, Sector  # noqa: E402

ROOT_CODE = "BENCH2"
N_DISTRICTS = 200
CHUNK = 250  # committees whose meetings, invitations and attendance are written together


def _committee_of(person: int, k: int, n_committees: int) -> int:
    """Membership k (0..2) of person ``person``: every committee gets the same number of members,
    and nobody sits twice on one committee (37 and 1667 are prime to 5,000)."""
    return (person * 37 + k * 1667) % n_committees


def build(n_committees: int, n_people: int, n_logins: int, meetings_per_committee: int) -> None:
    call_command("migrate", verbosity=0)
    if Jurisdiction.objects.filter(code=ROOT_CODE).exists():
        return
    started = time.perf_counter()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        root = Jurisdiction.objects.create(name="Bench 2", code=ROOT_CODE, level="national", path="/x/")
        root.path = f"/{root.pk}/"
        root.save()
        districts = Jurisdiction.objects.bulk_create(
            [
                Jurisdiction(name=f"D{i}", code=f"{ROOT_CODE}-{i}", level="district", parent=root, path="/x/", depth=1)
                for i in range(N_DISTRICTS)
            ]
        )
        for d in districts:
            d.path = f"{root.path}{d.pk}/"
        Jurisdiction.objects.bulk_update(districts, ["path"])

        sectors = [
            Sector.objects.get_or_create(
                code=f"bench2-{i}", defaults={"name": f"Bench 2 sector {i}", "is_security": i < 2}
            )[0]
            for i in range(6)
        ]
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Bench2 org {i:05d}",
                    kind="civil_society",
                    sector=sectors[i % 6],
                    jurisdiction=root if i % 10 == 0 else districts[i % N_DISTRICTS],
                )
                for i in range(2000)
            ],
            batch_size=2000,
        )

        committees = Committee.objects.bulk_create(
            [
                Committee(
                    name=f"Bench2 committee {i:05d}",
                    kind="tlcc",
                    jurisdiction=districts[i % N_DISTRICTS],
                    remit="Coordination of local prevention work.",
                    status="active" if i % 17 else "dormant",
                )
                for i in range(n_committees)
            ],
            batch_size=5000,
        )
        for i, c in enumerate(committees):  # the first committee of each district is its apex
            if i >= N_DISTRICTS:
                c.parent_id = committees[i % N_DISTRICTS].pk
        Committee.objects.bulk_update(committees[N_DISTRICTS:], ["parent"], batch_size=5000)

        password = make_password("bench")
        users = User.objects.bulk_create(
            [
                User(email=f"bench2-user-{i}@example.org", password=password, full_name=f"User {i}")
                for i in range(n_logins)
            ],
            batch_size=5000,
        )
        named = {
            key: User.objects.create_user(f"bench2-{key}@example.org", "bench", full_name=key)
            for key in ("member", "coordinator", "liaison", "outsider")
        }
        JurisdictionRole.objects.create(user=named["coordinator"], jurisdiction=districts[0], role="coordinator")
        JurisdictionRole.objects.create(user=named["liaison"], jurisdiction=root, role="liaison")
        people = Person.objects.bulk_create(
            [
                Person(
                    full_name=f"Person {i:05d}",
                    jurisdiction=districts[i % N_DISTRICTS],
                    user=named["member"] if i == 0 else (users[i] if i < n_logins else None),
                    gender="woman" if i % 2 else "man",
                    is_youth=i % 5 == 0,
                    demographics_consent_at=now if i % 3 else None,
                )
                for i in range(n_people)
            ],
            batch_size=5000,
        )

        today = timezone.localdate()
        memberships = []
        for p in range(n_people):
            for k in range(3):
                j = p * 3 + k
                ended = j % 10 == 9
                role = ["chair", "secretary", "co_chair", "permanent", "observer"][j % 12] if j % 12 < 5 else "member"
                memberships.append(
                    CommitteeMembership(
                        committee=committees[_committee_of(p, k, n_committees)],
                        person=people[p],
                        organisation=orgs[j % len(orgs)],
                        role=role,
                        start_date=today - timedelta(days=800 + j % 300),
                        end_date=today - timedelta(days=30 + j % 300) if ended else None,
                    )
                )
        CommitteeMembership.objects.bulk_create(memberships, batch_size=5000)
        current: dict[int, list[int]] = {}
        for ms in memberships:
            if ms.end_date is None:
                current.setdefault(ms.committee_id, []).append(ms.person_id)

        AgendaItem.objects.bulk_create(
            [AgendaItem(committee=c, title=f"Backlog {k}", status="proposed") for c in committees for k in range(2)],
            batch_size=5000,
        )

        span = timedelta(days=730) / meetings_per_committee
        for lo in range(0, n_committees, CHUNK):
            chunk = committees[lo : lo + CHUNK]
            meetings = []
            for c_index, c in enumerate(chunk, start=lo):
                for k in range(meetings_per_committee):
                    starts = now - timedelta(days=365) + span * k + timedelta(days=c_index % 30, hours=c_index % 8)
                    past = starts < now
                    status = ("minutes_approved" if k % 4 else "held") if past else "planned"
                    if (c_index + k) % 33 == 0:
                        status = "cancelled"
                    meetings.append(
                        Meeting(
                            committee=c,
                            title=f"{c.name} meeting {k}",
                            starts_at=starts,
                            ends_at=starts + timedelta(hours=2),
                            status=status,
                            is_confidential=(c_index + k) % 10 == 0,
                        )
                    )
            Meeting.objects.bulk_create(meetings, batch_size=5000)
            invitations, attendance, items = [], [], []
            decided: list[tuple[AgendaItem, Meeting]] = []
            for m in meetings:
                members = current.get(m.committee_id, [])
                for n, person_id in enumerate(members):
                    invitations.append(
                        Invitation(
                            meeting=m, person_id=person_id, kind="member", response="accepted" if n % 3 else "pending"
                        )
                    )
                    if m.status in ("held", "minutes_approved"):
                        status = ["present", "present", "present", "apologies", "absent"][(m.pk + n) % 5]
                        attendance.append(Attendance(meeting=m, person_id=person_id, status=status))
                if m.pk % 50 == 0:  # a summoned official, who is not a member
                    invitations.append(Invitation(meeting=m, person=people[(m.pk * 7) % n_people], kind="summoned"))
                held = m.status != "planned"
                for order in (1, 2):
                    item = AgendaItem(
                        committee_id=m.committee_id,
                        meeting=m,
                        order=order,
                        title=f"Item {order}",
                        minutes="Discussed." if held else "",
                        status="closed" if held else "scheduled",
                    )
                    items.append(item)
                    if held and order == 1:
                        decided.append((item, m))
            Invitation.objects.bulk_create(invitations, batch_size=5000, ignore_conflicts=True)
            Attendance.objects.bulk_create(attendance, batch_size=5000)
            AgendaItem.objects.bulk_create(items, batch_size=5000)
            Decision.objects.bulk_create(
                [
                    Decision(
                        agenda_item=i,
                        meeting=m,
                        committee_id=m.committee_id,
                        kind="action",
                        text="Follow up.",
                        owner_id=current.get(m.committee_id, [None])[0],
                        due_date=today + timedelta(days=30),
                    )
                    for i, m in decided
                ],
                batch_size=5000,
            )
            print(f"  committees {lo + len(chunk)}/{n_committees}, {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Measuring -----------------------------------------------------------------------------------


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, int]:
    fn()  # warm: the plan cache, the template loader, the session
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    n_queries = len(ctx.captured_queries)  # now: the log is emptied when the next request starts
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)], n_queries


def explain_slowest(fn: Callable[[], object], rows: int = 2) -> None:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:rows]
    for q in queries:
        if not q["sql"].lstrip().upper().startswith("SELECT"):
            continue
        print(f"    -- {float(q['time']) * 1000:.1f} ms: {q['sql'][:600]}")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {q['sql']}")
            for (line,) in cursor.fetchall():
                print(f"    {line}")


def _user(key: str) -> User:
    return User.objects.get(email=f"bench2-{key}@example.org")


def committee_page(user: User, pk: int) -> None:
    """What the committee page reads (coordination.views.committee_detail), through the selectors."""
    committee = selectors.committee_get_for_user(user, pk)
    members = list(selectors.committee_members(committee))
    selectors.committee_composition(committee, members)
    permissions.can_manage_committee(user, committee)
    permissions.can_change_committee(user, committee)
    list(selectors.committee_children_visible_to(user, committee))
    selectors.committee_meetings(committee, upcoming=True)
    selectors.committee_meetings(committee, upcoming=False)
    list(selectors.committee_backlog(committee))


def committee_list_page(user: User) -> list[Committee]:
    return list(selectors.committee_list_visible_to(user)[:25])


def committee_list_paginated(user: User) -> list[Committee]:
    """As the page does it: Paginator (a COUNT) and the first 25."""
    return list(Paginator(selectors.committee_list_visible_to(user), 25).get_page(1))


def meeting_api_page(user: User) -> list[Meeting]:
    """The API's first cursor page: 50 newest first, and one more to know there is a next page."""
    return list(selectors.meeting_list_visible_to(user).order_by("-starts_at", "-id")[:51])


def meeting_page(user: User, pk: int) -> None:
    meeting = selectors.meeting_get_for_user(user, pk)
    selectors.meeting_page_for_user(user, meeting)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--committees", type=int, default=5000)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--logins", type=int, default=5000)
    parser.add_argument("--meetings-per-committee", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of each row")
    parser.add_argument("--only", default="", help="run the rows whose label contains this")
    args = parser.parse_args()
    # Keep the expected 404s and the missing static root out of the output.
    warnings.filterwarnings("ignore", message="No directory at")
    logging.getLogger("django.request").setLevel(logging.ERROR)
    build(args.committees, args.people, args.logins, args.meetings_per_committee)
    print(
        f"database: {connection.vendor}; committees {Committee.objects.count()}, people {Person.objects.count()}, "
        f"memberships {CommitteeMembership.objects.count()}, meetings {Meeting.objects.count()}, "
        f"invitations {Invitation.objects.count()}, attendance {Attendance.objects.count()}"
    )

    users = {key: _user(key) for key in ("coordinator", "liaison", "member", "outsider")}
    own = Committee.objects.filter(memberships__person__user=users["member"]).order_by("pk").first()
    assert own is not None
    now = timezone.now()
    past_meeting = (
        Meeting.objects.filter(committee=own, starts_at__lt=now, status="minutes_approved", is_confidential=False)
        .order_by("-starts_at")
        .first()
    )
    assert past_meeting is not None
    month = timezone.localdate()

    rows: list[tuple[str, Callable[[], object]]] = []

    def add(label: str, fn: Callable[[], object]) -> None:
        if args.only in label:
            rows.append((label, fn))

    def client_for(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def get_ok(client: Client, url: str, expected: int = 200) -> Callable[[], object]:
        def run() -> object:
            response = client.get(url)
            assert response.status_code == expected, (url, response.status_code)
            return response

        return run

    for key in ("coordinator", "liaison", "member", "outsider"):
        user = users[key]
        add(f"committee list, selector, {key}", functools.partial(committee_list_page, user))
        add(f"committee list, paginator, {key}", functools.partial(committee_list_paginated, user))
    for key in ("coordinator", "liaison", "member", "outsider"):
        add(f"committee list, client, {key}", get_ok(client_for(users[key]), "/coordination/"))
    for key in ("coordinator", "liaison", "member", "outsider"):
        user = users[key]
        add(f"meeting API page, selector, {key}", functools.partial(meeting_api_page, user))
        add(f"meeting API page, client, {key}", get_ok(client_for(user), "/api/v1/meetings/"))
    for key in ("coordinator", "member"):
        user = users[key]
        add(f"committee page, selector, {key}", functools.partial(committee_page, user, own.pk))
        add(f"committee page, client, {key}", get_ok(client_for(user), f"/coordination/committees/{own.pk}/"))
        add(f"meeting page, selector, {key}", functools.partial(meeting_page, user, past_meeting.pk))
        add(f"meeting page, client, {key}", get_ok(client_for(user), f"/coordination/meetings/{past_meeting.pk}/"))
    add(
        "committee page 404, client, outsider",
        get_ok(client_for(users["outsider"]), f"/coordination/committees/{own.pk}/", 404),
    )
    # The month grid (issue 12): a national coordinator sees all 5,000 committees' meetings.
    national, created = User.objects.get_or_create(
        email="bench2-national@example.org", defaults={"full_name": "national", "password": make_password("bench")}
    )
    if created:
        root = Jurisdiction.objects.get(code=ROOT_CODE)
        JurisdictionRole.objects.create(user=national, jurisdiction=root, role="coordinator")
    users["national"] = national
    first = month.replace(day=1)
    grid_start = first - timedelta(days=first.weekday())
    grid_end = grid_start + timedelta(days=41)
    for key in ("member", "coordinator", "national"):
        user = users[key]
        add(
            f"calendar month, selector, {key}",
            functools.partial(selectors.calendar_month, user, grid_start, grid_end),
        )
        add(f"calendar month, client, {key}", get_ok(client_for(user), "/coordination/calendar/"))
    add(
        "calendar day list, client, national",
        get_ok(client_for(national), f"/coordination/calendar/?day={first + timedelta(days=9):%Y-%m-%d}"),
    )

    print(f"{'':<42} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, fn in rows:
        p50, p95, n = timed(fn, args.repeat)
        print(f"{label:<42} {p50:>8.2f} {p95:>8.2f} {n:>8}", flush=True)
        if args.explain:
            explain_slowest(fn)


if __name__ == "__main__":
    main()

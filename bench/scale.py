"""Benchmark: the hot lists at the issue's scale, filtered against unfiltered, in one run.

    make bench                      # 10x smaller, then the full scale
    .venv/bin/python bench/scale.py --scale 0.1 [--rounds 40] [--seconds 10]

For each scale it (re)builds a PostgreSQL database ``<BENCH_DB>_s<scale>`` (default ``rt_perf_bench``
on ``BENCH_PG``, default ``postgres://roundtable:roundtable@127.0.0.1:5432``) with generate_series
SQL: at scale 1, 202,000 organisations (90% active) in 200 districts, 20,000 users with people,
20,000 explicit grants, 24,000 positions (10% ended), 5,000 committees (25 a district), 15,000
committee memberships, 100,000 meetings and 1.08M invitations; it is skipped when the database
already holds that scale (the schema is migrated once into ``<BENCH_DB>_template``: drop that
database after adding a migration). Then it serves the portal with gunicorn (3 workers) and prints, for each
hot list (API and page) and each user kind, the p50/p95 in ms of the filtered list and of the same
list for a superuser, measured interleaved (every round asks every list for every user in a
shuffled order), their ratio, and the throughput at 8 connections of the typical user against the
superuser (four alternating slices each). Users: *broad* (national liaison who also holds 20,000
grants), *typical* (district coordinator), *narrow* (a member of three committees, no jurisdiction
role).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://roundtable:roundtable@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "rt_perf_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))

LISTS = [
    ("API organisations", "/api/v1/organisations/"),
    ("API people", "/api/v1/people/"),
    ("API committees", "/api/v1/committees/"),
    ("API meetings", "/api/v1/meetings/"),
    ("organisations page", "/registry/organisations/"),
    ("people page", "/registry/people/"),
    ("committees page", "/coordination/"),
    # The meetings pages: the calendar month (every meeting of the month in scope, four a day and
    # "+N more") and one day's meetings (the "+N more" list; there is no other meetings page).
    ("calendar month page", "/coordination/calendar/"),
    ("calendar day page", f"/coordination/calendar/?day={date.today().isoformat()}"),
]
KINDS = ("broad", "typical", "narrow")
DISTRICTS = 200


def _db_url(scale: float) -> str:
    return f"{PG}/{DB}_s{str(scale).replace('.', '_')}"


def _psql(url: str, sql: str) -> str:
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return out.stdout.strip()


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "False")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


BUILD_SQL = """
BEGIN;
INSERT INTO stakeholders_jurisdiction (id, name, code, level, path, depth, time_zone)
  VALUES (1, 'Benchland', 'BL', 'national', '/1/', 0, '');
INSERT INTO stakeholders_jurisdiction (id, name, code, level, path, depth, time_zone, parent_id)
  SELECT 1 + p, 'Province ' || p, 'BL-' || p, 'province', '/1/' || (1 + p) || '/', 1, '', 1
  FROM generate_series(1, 10) p;
INSERT INTO stakeholders_jurisdiction (id, name, code, level, path, depth, time_zone, parent_id)
  SELECT 100 + d, 'District ' || d, 'BL-D' || d, 'district', '/1/' || (2 + d % 10) || '/' || (100 + d) || '/', 2, '',
         2 + d % 10 FROM generate_series(1, {districts}) d;
INSERT INTO stakeholders_sector (id, name, code, is_security, description)
  SELECT s, 'Sector ' || s, 'sector-' || s, s = 1, '' FROM generate_series(1, 10) s;
INSERT INTO stakeholders_organisation (id, name, acronym, kind, description, email, phone, website, address,
    is_active, created_at, updated_at, jurisdiction_id, sector_id)
  SELECT o, initcap(substr(md5(o::text), 1, 10)) || ' ' || o, '', 'ngo', '', '', '', '', '', o % 10 <> 0, now(), now(),
         101 + o % {districts}, 1 + o % 10 FROM generate_series(1, {orgs}) o;
INSERT INTO core_user (id, password, is_superuser, is_staff, is_active, date_joined, email, full_name, language,
    time_zone)
  SELECT u, '!', u = 1, u = 1, true, now(), 'user' || u || '@bench.example', 'User ' || u, '', ''
  FROM generate_series(1, {users}) u;
INSERT INTO stakeholders_person (id, full_name, pronouns, email, phone, languages, expertise, gender, created_at,
    updated_at, in_directory, user_id, jurisdiction_id)
  SELECT p, initcap(substr(md5('p' || p), 1, 8)) || ' ' || initcap(substr(md5('q' || p), 1, 9)), '', '', '', '', '', '',
         now(), now(), false, p, 101 + p % {districts} FROM generate_series(1, {users}) p;
INSERT INTO stakeholders_position (title, organisation_id, person_id, start_date, end_date)
  SELECT 'Officer', 1 + (n * 7919) % {orgs}, 1 + n % {users}, current_date - 400,
         CASE WHEN n % 10 = 0 THEN current_date - 30 END FROM generate_series(0, {positions} - 1) n;
INSERT INTO stakeholders_jurisdictionrole (role, created_at, jurisdiction_id, user_id) VALUES
  ('liaison', now(), 1, 2), ('coordinator', now(), 101, 3);
INSERT INTO stakeholders_organisationgrant (permission, grantee_kind, grantee_id, reason, created_at, revoke_reason,
    target_id, granted_by_id)
  SELECT 'view', 'user', CASE WHEN g = 0 THEN 2 ELSE 5 + g % ({users} - 5) END, 'bench', now(), '',
         1 + (g * 104729) % {orgs}, 1 FROM generate_series(0, {grants} - 1) g;
UPDATE stakeholders_organisationgrant SET grantee_id = 2 WHERE id % 2 = 0;
INSERT INTO coordination_committee (id, name, acronym, kind, remit, mandate, status, quorum_rule, created_at,
    updated_at, jurisdiction_id, reminder_lead_hours)
  SELECT c, 'Committee ' || substr(md5('c' || c), 1, 8), '', 'tlcc', '', '', 'active', 'none', now(), now(),
         101 + c % {districts}, 24 FROM generate_series(1, {committees}) c;
INSERT INTO coordination_committeemembership (role, designation, created_at, committee_id, person_id, shares_contact,
    start_date)
  SELECT 'member', '', now(), 1 + n % {committees}, 10 + (n * 31) % ({users} - 10), false, current_date - 100
  FROM generate_series(0, 3 * {committees} - 1) n ON CONFLICT DO NOTHING;
INSERT INTO coordination_committeemembership (role, designation, created_at, committee_id, person_id, shares_contact,
    start_date)
  SELECT 'member', '', now(), c, 4, false, current_date - 100 FROM generate_series(1, 3) c ON CONFLICT DO NOTHING;
INSERT INTO coordination_meeting (id, title, starts_at, ends_at, location, online_url, is_confidential, status, uid,
    sequence, created_at, updated_at, committee_id)
  SELECT m, 'Meeting ' || m, now() - interval '365 days' + (m % 730) * interval '1 day' + (m % 9) * interval '1 hour',
         now() - interval '365 days' + (m % 730) * interval '1 day' + (m % 9) * interval '1 hour' + interval '2 hours',
         '', '', false, CASE WHEN m % 730 < 365 THEN 'held' ELSE 'planned' END, md5('m' || m)::uuid, 0, now(), now(),
         1 + m % {committees} FROM generate_series(1, {meetings}) m;
INSERT INTO coordination_invitation (kind, response, created_at, person_id, meeting_id, after_start)
  SELECT 'member', 'pending', now(), 1 + (m * 7919 + k * 104729) % {users}, m, false
  FROM generate_series(1, {meetings}) m, generate_series(0, {per_meeting} - 1) k
  WHERE (m + k) % 100 < {per_meeting_pct} ON CONFLICT DO NOTHING;
COMMIT;
"""

SEQUENCES = [
    "stakeholders_jurisdiction",
    "stakeholders_sector",
    "stakeholders_organisation",
    "core_user",
    "stakeholders_person",
    "coordination_committee",
    "coordination_meeting",
]


def build(scale: float) -> str:
    url = _db_url(scale)
    orgs = int(202_000 * scale)
    admin_url = f"{PG}/postgres"
    name = urlparse(url).path.lstrip("/")
    exists = _psql(admin_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    built = exists and _psql(url, "SELECT to_regclass('stakeholders_organisation') IS NOT NULL") == "t"
    if built and _psql(url, "SELECT count(*) FROM stakeholders_organisation") == str(orgs):
        print(f"# {name}: already built")
        return url
    started = time.monotonic()
    template = f"{DB}_template"  # migrated once, copied for each scale
    if not _psql(admin_url, f"SELECT 1 FROM pg_database WHERE datname = '{template}'"):
        _psql(admin_url, f"CREATE DATABASE {template}")
        env = {**os.environ, "DATABASE_URL": f"{PG}/{template}", "DJANGO_DEBUG": "False"}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    _psql(admin_url, f"DROP DATABASE IF EXISTS {name}")
    _psql(admin_url, f"CREATE DATABASE {name} TEMPLATE {template}")
    meetings = int(100_000 * scale)
    sql = BUILD_SQL.format(
        districts=DISTRICTS,
        orgs=orgs,
        users=int(20_000 * scale),
        positions=int(24_000 * scale),
        grants=int(20_000 * scale),
        committees=int(5_000 * scale),
        meetings=meetings,
        per_meeting=11,
        per_meeting_pct=98,  # 10.8 invitations a meeting: 1.08M at scale 1
    )
    _psql(url, sql)
    for table in SEQUENCES:
        _psql(url, f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    _django(url)
    from stakeholders.directory import directory_refresh

    directory_refresh()
    _psql(url, "VACUUM ANALYZE")
    counts = _psql(
        url,
        "SELECT (SELECT count(*) FROM stakeholders_organisation) || ' organisations, ' ||"
        " (SELECT count(*) FROM core_user) || ' users, ' ||"
        " (SELECT count(*) FROM stakeholders_organisationgrant) || ' grants, ' ||"
        " (SELECT count(*) FROM stakeholders_position) || ' positions, ' ||"
        " (SELECT count(*) FROM coordination_committee) || ' committees, ' ||"
        " (SELECT count(*) FROM coordination_meeting) || ' meetings, ' ||"
        " (SELECT count(*) FROM coordination_invitation) || ' invitations'",
    )
    print(f"# {name}: built in {time.monotonic() - started:.0f} s: {counts}")
    return url


def sessions(url: str) -> dict[str, str]:
    """A signed-in session cookie for the superuser and each user kind (users 1-4)."""
    _django(url)
    from django.conf import settings
    from django.test import Client

    from core.models import User

    cookies = {}
    for kind, pk in (("superuser", 1), ("broad", 2), ("typical", 3), ("narrow", 4)):
        client = Client()
        client.force_login(User.objects.get(pk=pk))
        cookies[kind] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookies


def get(path: str, cookie: str) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1", "Accept": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status}")
    return (time.perf_counter() - started) * 1000


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def measure(cookies: dict[str, str], rounds: int, lists: list[tuple[str, str]]) -> dict[tuple[str, str], list[float]]:
    times: dict[tuple[str, str], list[float]] = {}
    asks = [(label, path, kind) for label, path in lists for kind in ("superuser", *KINDS)]
    for _label, path, kind in asks:  # warm every worker's caches once
        for _ in range(3):
            get(path, cookies[kind])
    for _ in range(rounds):
        random.shuffle(asks)
        for label, path, kind in asks:
            times.setdefault((label, kind), []).append(get(path, cookies[kind]))
    return times


def throughput(path: str, cookie: str, seconds: float, connections: int = 8) -> float:
    done = [0] * connections
    stop = time.monotonic() + seconds

    def loop(i: int) -> None:
        while time.monotonic() < stop:
            get(path, cookie)
            done[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def serve(url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "False",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "config.wsgi", "-w", "3", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"], cwd=ROOT, env=env
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def chosen(names: list[str] | None) -> list[tuple[str, str]]:
    """The lists whose label contains one of ``names`` (all of them without ``--list``)."""
    if not names:
        return LISTS
    lists = [(label, path) for label, path in LISTS if any(n.lower() in label.lower() for n in names)]
    if not lists:
        raise SystemExit(f"no list matches {names}: {', '.join(label for label, _ in LISTS)}")
    return lists


def report(scale: float, rounds: int, seconds: float, names: list[str] | None = None) -> None:
    lists = chosen(names)
    url = build(scale)
    cookies = sessions(url)
    server = serve(url)
    try:
        load = os.getloadavg()
        times = measure(cookies, rounds, lists)
        print(f"\n## scale {scale}: {rounds} interleaved rounds, load average before {load[0]:.1f}")
        print("| list | user | p50 ms | p95 ms | superuser p50 | superuser p95 | ratio p50 |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for label, _path in lists:
            su = times[(label, "superuser")]
            for kind in KINDS:
                t = times[(label, kind)]
                ratio = statistics.median(t) / statistics.median(su)
                print(
                    f"| {label} | {kind} | {statistics.median(t):.1f} | {pct(t, 95):.1f} | "
                    f"{statistics.median(su):.1f} | {pct(su, 95):.1f} | {ratio:.2f} |"
                )
        print("\n| throughput at 8 connections (req/s) | typical | superuser | ratio |")
        print("| --- | --- | --- | --- |")
        for label, path in [item for item in LISTS[:2] if item in lists]:
            # Interleaved like the latencies: four slices each, alternating, so that a drift of the
            # machine's load over the run weighs on both users alike.
            slices = 4
            typical = superuser = 0.0
            for _ in range(slices):
                typical += throughput(path, cookies["typical"], seconds / slices) / slices
                superuser += throughput(path, cookies["superuser"], seconds / slices) / slices
            print(f"| {label} | {typical:.0f} | {superuser:.0f} | {typical / superuser:.2f} |")
        print(f"\nload average after: {os.getloadavg()[0]:.1f} (2 cores)", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, action="append", help="1 = the issue's scale (repeatable)")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each throughput run")
    parser.add_argument(
        "--list", action="append", dest="lists", help="measure only the lists whose label contains this (repeatable)"
    )
    args = parser.parse_args()
    scales = args.scale or [0.1, 1.0]
    if len(scales) == 1:
        report(scales[0], args.rounds, args.seconds, args.lists)
        return
    for scale in scales:  # one process per scale: Django's settings name one database
        cmd = [sys.executable, __file__, "--scale", str(scale), "--rounds", str(args.rounds)]
        cmd += [f"--list={name}" for name in args.lists or []]
        subprocess.run([*cmd, "--seconds", str(args.seconds)], check=True)


if __name__ == "__main__":
    main()

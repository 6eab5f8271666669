"""Benchmark: the organisation directory's first page, as seen through the permission layer.

    DATABASE_URL=postgres://roundtable:roundtable@127.0.0.1:5432/roundtable_bench \
        .venv/bin/python bench/directory_visibility.py --organisations 100000 --grants 200000

Builds the data once (idempotent), then prints p50/p95 of: the first page of 50 rows with no
permission filter, the same page through the selector for a coordinator, for an outsider and for a
user holding many explicit grants (``OrganisationGrant``), and the API list through DRF.
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parents[1] / 'var' / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from core.models import User  # noqa: E402
from stakeholders import selectors  # noqa: E402
from stakeholders.models import (  # noqa: E402
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationGrant,
    Sector,
)


def build(n_orgs: int, n_grants: int) -> None:
    call_command("migrate", verbosity=0)
    if Organisation.objects.count() >= n_orgs:
        return
    with transaction.atomic():
        root = Jurisdiction.objects.create(name="Bench", code="BENCH", level="national", path="/x/")
        root.path = f"/{root.pk}/"
        root.save()
        districts = []
        for i in range(200):
            d = Jurisdiction.objects.create(
                name=f"D{i}", code=f"BENCH-{i}", level="district", parent=root, path="/x/", depth=1
            )
            d.path = f"{root.path}{d.pk}/"
            d.save()
            districts.append(d)
        sector, _ = Sector.objects.get_or_create(code="bench", defaults={"name": "Bench"})
        batch = [
            Organisation(
                name=f"Org {i:07d}",
                kind="civil_society",
                sector=sector,
                jurisdiction=districts[i % 200],
                is_active=i % 10 != 0,
            )
            for i in range(n_orgs)
        ]
        Organisation.objects.bulk_create(batch, batch_size=5000)
        coordinator = User.objects.create_user("bench-coordinator@example.org", "x")
        JurisdictionRole.objects.create(user=coordinator, jurisdiction=districts[0], role="coordinator")
        User.objects.create_user("bench-outsider@example.org", "x")
        granted = User.objects.create_user("bench-granted@example.org", "x")
        ids = list(Organisation.objects.filter(is_active=False).values_list("pk", flat=True)[:n_grants])
        OrganisationGrant.objects.bulk_create(
            [
                OrganisationGrant(
                    target_id=i, permission="view", grantee_kind="user", grantee_id=granted.pk, reason="bench"
                )
                for i in ids
            ],
            batch_size=5000,
        )


def first_page(user: User) -> list[Organisation]:
    return list(selectors.organisation_list_visible_to(user).order_by("name", "id")[:50])


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=20000)
    parser.add_argument("--grants", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    build(args.organisations, args.grants)
    print(
        f"database: {connection.vendor}; organisations: {Organisation.objects.count()}; "
        f"user grants: {OrganisationGrant.objects.count()}"
    )
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__startswith="bench-")}
    rows: list[tuple[str, Callable[[], object]]] = [
        ("no permission filter", lambda: list(Organisation.objects.order_by("name", "id")[:50]))
    ]
    for name, user in sorted(users.items()):
        rows.append((f"selector, {name}", functools.partial(first_page, user)))
    for name, user in sorted(users.items()):
        client = Client()
        client.force_login(user)
        rows.append((f"API page, {name}", functools.partial(client.get, "/api/v1/organisations/")))
    print(f"{'first page of 50':<36} {'p50 ms':>8} {'p95 ms':>8}")
    for label, fn in rows:
        p50, p95 = timed(fn, args.repeat)
        print(f"{label:<36} {p50:>8.2f} {p95:>8.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: importing a 50,000-row CSV of organisations into the registry (not part of the tests).

    .venv/bin/python bench/import_50k.py                       # SQLite file under var/
    DATABASE_URL=postgres://roundtable:roundtable@127.0.0.1:5432/roundtable_bench \\
        .venv/bin/python bench/import_50k.py --rows 50000

Generates the file, then times the two steps a coordinator goes through: the preview (decode, parse,
check every row against the registry and the importer's permissions, store the batch) and the commit
(check again, write every row in one transaction). Then shows that the commit is all-or-nothing at
that size: a second file whose last row collides, after the preview, with an organisation registered
meanwhile imports nothing at all. Prints timings and rows per second.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parents[1] / 'var' / 'bench-import.sqlite3'}"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from core.models import User  # noqa: E402
from stakeholders import services  # noqa: E402
from stakeholders.models import ImportBatch, Jurisdiction, JurisdictionRole, Organisation, Sector  # noqa: E402

KINDS = ["youth", "women", "faith", "community", "civil_society", "private", "education", "health"]


def world() -> tuple[User, list[str], list[str]]:
    """A coordinator over a district with 20 wards, and the sectors (idempotent)."""
    call_command("migrate", verbosity=0)
    district = Jurisdiction.objects.filter(code="BENCH-D").first()
    if district is None:
        district = Jurisdiction.objects.create(name="Bench District", code="BENCH-D", level="district", path="/x/")
        district.path = f"/{district.pk}/"
        district.save(update_fields=["path"])
        for i in range(20):
            ward = Jurisdiction.objects.create(
                name=f"Bench Ward {i}", code=f"BENCH-W{i:02d}", level="ward", parent=district, path="/x/", depth=1
            )
            ward.path = f"{district.path}{ward.pk}/"
            ward.save(update_fields=["path"])
    for code in ("youth", "women", "faith", "civil-society", "private-sector"):
        Sector.objects.get_or_create(code=code, defaults={"name": code.replace("-", " ").title()})
    user, _created = User.objects.get_or_create(
        email="bench-importer@example.org", defaults={"full_name": "Bench Importer"}
    )
    JurisdictionRole.objects.get_or_create(user=user, jurisdiction=district, role=JurisdictionRole.Role.COORDINATOR)
    codes = [f"BENCH-W{i:02d}" for i in range(20)]
    sectors = ["youth", "women", "faith", "civil-society", "private-sector"]
    return user, codes, sectors


def make_csv(rows: int, codes: list[str], sectors: list[str], run: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "kind", "sector", "jurisdiction", "acronym", "email", "phone", "website", "description"])
    for i in range(rows):
        writer.writerow(
            [
                f"Organisation {run}-{i:06d}",
                KINDS[i % len(KINDS)],
                sectors[i % len(sectors)],
                codes[i % len(codes)],
                f"O{i}",
                f"contact{i}@example.org",
                f"+880 921 {i % 1000:03d} {i % 100:02d}",
                f"https://org{i}.example.org",
                "Works with young people; runs dialogues, sport and mentoring.",
            ]
        )
    return out.getvalue().encode("utf-8")


def timed(label: str, rows: int, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:8.2f} s   {rows / seconds:10,.0f} rows/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    user, codes, sectors = world()
    run = uuid.uuid4().hex[:6]
    print(f"database: {connection.vendor}; rows: {args.rows:,}")

    data = timed("generate the CSV", args.rows, lambda: make_csv(args.rows, codes, sectors, run))
    print(f"  file size: {len(data) / 1e6:.1f} MB")
    before = Organisation.objects.count()
    batch = timed(
        "preview (decode, parse, check, store)",
        args.rows,
        lambda: services.import_batch_preview(actor=user, kind="organisations", filename="bench.csv", data=data),
    )
    assert batch.errors == [], batch.errors[:3]
    batch = timed(
        "commit (check again, write, one transaction)",
        args.rows,
        lambda: services.import_batch_commit(actor=user, batch=batch),
    )
    assert batch.status == ImportBatch.Status.COMMITTED
    created = Organisation.objects.count() - before
    print(f"  organisations created: {created:,}")
    assert created == args.rows

    # All-or-nothing at scale: the last row collides with an organisation registered after the preview.
    run2 = uuid.uuid4().hex[:6]
    data = make_csv(args.rows, codes, sectors, run2)
    batch = services.import_batch_preview(actor=user, kind="organisations", filename="bench2.csv", data=data)
    last = batch.rows[-1]["values"]
    services.organisation_create(
        actor=user,
        name=last["name"],
        kind="community",
        sector=Sector.objects.get(code=last["sector"]),
        jurisdiction=Jurisdiction.objects.get(code=last["jurisdiction"]),
    )
    before = Organisation.objects.count()
    batch = timed(
        "commit refused by a late conflict", args.rows, lambda: services.import_batch_commit(actor=user, batch=batch)
    )
    print(
        f"  status: {batch.status}; errors: {len(batch.errors)} (line {batch.errors[0]['line']}, "
        f"column {batch.errors[0]['column']}); organisations created: {Organisation.objects.count() - before}"
    )
    assert Organisation.objects.count() == before


if __name__ == "__main__":
    main()

"""Writing the registry out: CSV and XLSX tables (formula injection neutralised) and Popolo-style JSON.

The callers hand in querysets from the selectors, so an export never holds more than the lists: the
rows the user may see, and contact details only on rows whose ``contact_visible`` flag is set.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from stakeholders.importing import FORMULA_PREFIXES
from stakeholders.models import Organisation, Person, Position

ORGANISATION_EXPORT_COLUMNS = (
    "name",
    "acronym",
    "kind",
    "sector",
    "jurisdiction",
    "description",
    "email",
    "phone",
    "website",
    "address",
    "is_active",
    "id",
    "sector_name",
    "jurisdiction_name",
)
PERSON_EXPORT_COLUMNS = (
    "full_name",
    "organisation",
    "jurisdiction",
    "title",
    "start_date",
    "pronouns",
    "email",
    "phone",
    "contact_consent_date",
    "languages",
    "expertise",
    "id",
)


def neutralise(value: Any) -> Any:
    """Make a cell inert in a spreadsheet: text starting with = + - @ tab or CR, also after leading
    spaces (some spreadsheets skip them), gets a leading quote (OWASP's advice for CSV injection);
    numbers and dates stay as they are."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def organisation_rows(organisations: QuerySet[Organisation]) -> Iterator[list[Any]]:
    """Rows in the import's column order first (a file exported can be edited and imported again)."""
    for o in organisations.iterator(chunk_size=2000):
        yield [
            o.name,
            o.acronym,
            o.kind,
            o.sector.code,
            o.jurisdiction.code,
            o.description,
            o.email,
            o.phone,
            o.website,
            o.address,
            "yes" if o.is_active else "no",
            o.pk,
            o.sector.name,
            o.jurisdiction.name,
        ]


def person_rows(people: Iterable[Person]) -> Iterator[list[Any]]:
    """One row per visible position (a person without one gets a row of their own); contact details
    only where the row says they are visible."""
    for p in people:
        contact = bool(getattr(p, "contact_visible", False))
        personal = [
            p.pronouns,
            p.email if contact else "",
            p.phone if contact else "",
            p.contact_consent_at.date().isoformat() if contact and p.contact_consent_at else "",
            p.languages,
            p.expertise,
            p.pk,
        ]
        positions: list[Position] = list(getattr(p, "visible_positions", []))
        if not positions:
            yield [p.full_name, "", p.jurisdiction.code if p.jurisdiction else "", "", "", *personal]
        for position in positions:
            yield [
                p.full_name,
                position.organisation.name,
                position.organisation.jurisdiction.code,
                position.title,
                position.start_date.isoformat() if position.start_date else "",
                *personal,
            ]


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text in chunks, UTF-8 with a byte-order mark so that spreadsheets read accents correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for i, row in enumerate(rows, start=1):
        writer.writerow([neutralise(v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a string is text, never a formula, whatever it starts with
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def popolo(organisations: Iterable[Organisation], people: Iterable[Person]) -> dict[str, Any]:
    """Popolo-style JSON (https://www.popoloproject.com/specs/): organizations, persons, memberships.

    ``people`` carry ``visible_positions`` and ``contact_visible`` (see the people selector); only
    memberships in the exported organisations are listed.
    """
    organisation_list = list(organisations)
    exported = {o.pk for o in organisation_list}
    persons: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    for p in people:
        person: dict[str, Any] = {"id": f"person/{p.pk}", "name": p.full_name}
        if p.pronouns:
            person["pronouns"] = p.pronouns
        if p.languages:
            person["languages"] = [x.strip() for x in p.languages.split(",") if x.strip()]
        if p.expertise:
            person["summary"] = p.expertise
        if getattr(p, "contact_visible", False):
            details = [{"type": "email", "value": p.email}] if p.email else []
            details += [{"type": "voice", "value": p.phone}] if p.phone else []
            if details:
                person["contact_details"] = details
        persons.append(person)
        for position in getattr(p, "visible_positions", []):
            if position.organisation_id not in exported:
                continue
            membership: dict[str, Any] = {
                "id": f"membership/{position.pk}",
                "person_id": f"person/{p.pk}",
                "organization_id": f"organization/{position.organisation_id}",
                "role": position.title,
            }
            if position.start_date:
                membership["start_date"] = position.start_date.isoformat()
            if position.end_date:
                membership["end_date"] = position.end_date.isoformat()
            memberships.append(membership)
    return {
        "generated_at": timezone.now().isoformat(),
        "organizations": [
            {
                "id": f"organization/{o.pk}",
                "name": o.name,
                **({"other_names": [{"name": o.acronym, "note": "acronym"}]} if o.acronym else {}),
                "classification": o.kind,
                "area": {"id": f"jurisdiction/{o.jurisdiction.code}", "name": o.jurisdiction.name},
                "sector": {"code": o.sector.code, "name": o.sector.name, "security": o.sector.is_security},
                **({"parent_id": f"organization/{o.parent_id}"} if o.parent_id else {}),
                **({"description": o.description} if o.description else {}),
                "contact_details": [
                    {"type": t, "value": v}
                    for t, v in (("email", o.email), ("voice", o.phone), ("address", o.address))
                    if v
                ],
                "links": [{"url": o.website}] if o.website else [],
                "active": o.is_active,
            }
            for o in organisation_list
        ],
        "persons": persons,
        "memberships": memberships,
    }

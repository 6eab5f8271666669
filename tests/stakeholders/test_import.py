"""CSV and XLSX import: reading any file people really have, row-level errors, all-or-nothing commits."""

from __future__ import annotations

import codecs
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from stakeholders import importing, services
from stakeholders.models import ImportBatch, Organisation, Person
from tests.factories import OrganisationFactory

HEADER = "name,kind,sector,jurisdiction,acronym,email\n"
GOOD = HEADER + (
    "Harbour Sports Club,community,civil-society,RU-N-HC,HSC,info@hsc.example.org\n"
    "Société Harbour Women,women,Civil society,ru-n-hc,,\n"
)


def parse(text: str | bytes, kind: str = "organisations", filename: str = "file.csv") -> importing.ParseResult:
    return importing.parse_upload(kind, filename, text.encode() if isinstance(text, str) else text)


def messages(result: importing.ParseResult) -> str:
    return " | ".join(f"{e['line']}:{e['column']}:{e['message']}" for e in result.errors)


# --- Reading files (no database) ---------------------------------------------------------------


def test_plain_utf8_file():
    result = parse(GOOD)
    assert result.errors == []
    assert result.encoding == "UTF-8"
    assert [r["line"] for r in result.rows] == [2, 3]
    assert result.rows[1]["values"] == {
        "name": "Société Harbour Women",
        "kind": "women",
        "sector": "Civil society",
        "jurisdiction": "ru-n-hc",
    }


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + GOOD.encode(), "UTF-8 (with byte-order mark)"),
        (GOOD.encode("utf-16"), "UTF-16"),  # with its byte-order mark, as Excel's "Unicode text" writes it
        (codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be"), "UTF-16"),
        (GOOD.encode("utf-16-le"), "UTF-16 (no byte-order mark)"),
        (GOOD.encode("latin-1"), "Windows-1252 (Latin-1)"),
        (GOOD.replace("Société", "Société “Quoted”").encode("cp1252"), "Windows-1252 (Latin-1)"),
    ],
)
def test_encodings_are_detected(data, encoding):
    result = parse(data)
    assert result.errors == [], messages(result)
    assert result.encoding == encoding
    assert result.rows[0]["values"]["name"] == "Harbour Sports Club"  # the header was read, BOM and all
    assert result.rows[1]["values"]["name"].startswith("Société")


def test_semicolon_separated_file_from_a_european_spreadsheet():
    result = parse(GOOD.replace(",", ";"))
    assert result.errors == []
    assert result.rows[0]["values"]["acronym"] == "HSC"


def test_nul_byte_is_refused_with_its_line():
    result = parse(GOOD + "Bad\x00Row,community,civil-society,RU-N-HC,,\n")
    assert result.rows == []
    assert result.errors[0]["line"] == 4
    assert "NUL byte" in result.errors[0]["message"]


def test_unbalanced_quotes_are_refused_with_the_line_where_the_cell_opens():
    result = parse(
        HEADER + 'Fine,community,civil-society,RU-N-HC,,\n"Open quote,community,civil-society,RU-N-HC,,\n'
        "Next,community,civil-society,RU-N-HC,,\n"
    )
    assert result.rows == []
    assert result.errors[0]["line"] == 3
    assert "Unbalanced quotes" in result.errors[0]["message"]
    stray = parse(HEADER + '"Closed" then text,community,civil-society,RU-N-HC,,\n')
    assert "Unbalanced quotes" in messages(stray)


def test_a_quoted_cell_over_several_lines_keeps_the_line_numbers_right():
    result = parse(
        HEADER + '"Two\nline name",community,civil-society,RU-N-HC,,\nAfter,community,civil-society,RU-N-HC,,\n'
    )
    assert [r["line"] for r in result.rows] == [2, 4]
    assert result.rows[0]["values"]["name"] == "Two\nline name"


def test_missing_column_is_named():
    result = parse("name,kind,jurisdiction\nX,community,RU-N-HC\n")
    assert result.rows == []
    assert result.errors[0]["column"] == "sector"
    assert "Column “sector” is missing" in result.errors[0]["message"]


def test_duplicated_column_is_named_with_both_positions():
    result = parse("name,kind,sector,jurisdiction,Name\nX,community,civil-society,RU-N-HC,Y\n")
    assert result.rows == []
    assert "Column “name” appears more than once (columns 1 and 5)" in messages(result)


def test_unknown_columns_are_ignored_with_a_notice_and_aliases_are_understood():
    result = parse("Organization,Type,Sector,Jurisdiction code,Colour\nX,community,civil-society,RU-N-HC,blue\n")
    assert result.errors == []
    assert result.rows[0]["values"] == {
        "name": "X",
        "kind": "community",
        "sector": "civil-society",
        "jurisdiction": "RU-N-HC",
    }
    assert result.notices == ["Column “Colour” is not used and was ignored."]


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd", "\t=1"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_refused(cell):
    quoted = cell.replace('"', '""')
    result = parse(HEADER + f'"{quoted}",community,civil-society,RU-N-HC,,\n')
    assert result.rows == []
    (error,) = result.errors
    assert (error["line"], error["column"]) == (2, "name")
    assert "would run as a formula" in error["message"]


def test_phone_numbers_and_negative_numbers_are_not_formulas():
    result = parse("name,kind,sector,jurisdiction,phone\nX,community,civil-society,RU-N-HC,+880 921 555 01\n")
    assert result.errors == []
    assert result.rows[0]["values"]["phone"] == "+880 921 555 01"


def test_a_row_with_more_cells_than_the_header_is_refused():
    result = parse(HEADER + "A,community,civil-society,RU-N-HC,,,surprise\n")
    assert "has 7 cells but the header has 6 columns" in messages(result)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "The file is empty."), (HEADER.encode(), "header but no rows"), (b"\n\n", "The file is empty.")],
)
def test_empty_files(data, message):
    assert message in messages(parse(data))


def xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_file():
    from datetime import date

    data = xlsx(
        [
            ["full_name", "organisation", "jurisdiction", "title", "start_date"],
            ["Ann Xl", "Harbour Youth Forum", "RU-N-HC", "Coach", date(2025, 3, 1)],
            [None, None, None, None, None],
            ["Bo Xl", "Harbour Youth Forum", "RU-N-HC", "Coach", None],
        ]
    )
    result = parse(data, "people", "people.xlsx")
    assert result.errors == []
    assert result.encoding == "XLSX"
    assert [(r["line"], r["values"].get("start_date")) for r in result.rows] == [(2, "2025-03-01"), (4, None)]


def test_xlsx_formula_cell_is_refused():
    result = parse(
        xlsx([["name", "kind", "sector", "jurisdiction"], ["=1+1", "community", "civil-society", "X"]]),
        filename="orgs.xlsx",
    )
    assert result.rows == []
    assert result.errors[0]["line"] == 2 and "formula" in result.errors[0]["message"]


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("orgs.xlsx", b"PK\x03\x04 not really a zip", "not a readable XLSX"),
        ("orgs.xls", b"\xd0\xcf\x11\xe0old excel", "Old Excel files (.xls)"),
    ],
)
def test_broken_and_old_workbooks(filename, data, message):
    assert message in messages(parse(data, filename=filename))


# --- Checking and committing (database) --------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_preview_then_commit_imports_every_row_in_one_go_and_is_audited(world):
    batch = services.import_batch_preview(actor=world.alice, kind="organisations", filename="g.csv", data=GOOD.encode())
    assert batch.errors == []
    assert batch.row_count == 2
    assert not Organisation.objects.filter(name="Harbour Sports Club").exists()  # nothing before the confirmation
    batch = services.import_batch_commit(actor=world.alice, batch=batch)
    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.created_count == 2
    sports = Organisation.objects.get(name="Harbour Sports Club")
    assert (sports.kind, sports.sector, sports.jurisdiction, sports.acronym) == (
        "community",
        world.civil,
        world.city,
        "HSC",
    )
    assert Organisation.objects.get(name="Société Harbour Women").kind == "women"
    assert AuditEvent.objects.filter(action="import.commit", actor=world.alice).count() == 1
    with pytest.raises(ValidationError):
        services.import_batch_commit(actor=world.alice, batch=batch)  # not twice
    assert Organisation.objects.filter(name="Harbour Sports Club").count() == 1


@pytestmark_db
@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("Harbour Youth Forum,youth,civil-society,RU-N-HC,,", "name", "already registered in Harbour City"),
        ("Harbour Sports Club,community,civil-society,RU-N-HC,,", "name", "Same organisation as on line 2"),
        ("New,spaceship,civil-society,RU-N-HC,,", "kind", "is not a kind of organisation"),
        ("New,community,astrology,RU-N-HC,,", "sector", "is not a sector"),
        ("New,community,civil-society,XX-99,,", "jurisdiction", "No jurisdiction has the code “XX-99”"),
        ("New,community,civil-society,RU-S,,", "jurisdiction", "only import into your own jurisdictions"),
        ("New,community,civil-society,RU-N-HC,,not-an-email", "email", "Enter a valid email address"),
        (",community,civil-society,RU-N-HC,,", "name", "cannot be blank"),
        ("=cmd,community,civil-society,RU-N-HC,,", "name", "would run as a formula"),
    ],
)
def test_one_bad_row_gives_line_column_message_and_nothing_is_imported(world, row, column, message):
    data = (GOOD.splitlines()[0] + "\n" + GOOD.splitlines()[1] + "\n" + row + "\n").encode()
    before = Organisation.objects.count()
    batch = services.import_batch_preview(actor=world.alice, kind="organisations", filename="bad.csv", data=data)
    assert [(e["line"], e["column"]) for e in batch.errors] == [(3, column)], batch.errors
    assert message in batch.errors[0]["message"]
    with pytest.raises(ValidationError):
        services.import_batch_commit(actor=world.alice, batch=batch)
    assert Organisation.objects.count() == before


@pytestmark_db
def test_rows_are_checked_again_at_commit_and_a_late_conflict_imports_nothing(world):
    batch = services.import_batch_preview(actor=world.alice, kind="organisations", filename="g.csv", data=GOOD.encode())
    assert batch.errors == []
    OrganisationFactory(name="Société Harbour Women", jurisdiction=world.city, sector=world.civil)  # meanwhile
    before = Organisation.objects.count()
    batch = services.import_batch_commit(actor=world.alice, batch=batch)
    assert batch.status == ImportBatch.Status.PENDING
    assert [(e["line"], e["column"]) for e in batch.errors] == [(3, "name")]
    assert Organisation.objects.count() == before
    assert not Organisation.objects.filter(name="Harbour Sports Club").exists()  # not even the good first row


@pytestmark_db
def test_only_coordinators_and_admins_import_and_only_their_own_uploads(world):
    for user in (world.bob, world.olga, world.mona, world.charlie):
        with pytest.raises(PermissionDenied):
            services.import_batch_preview(actor=user, kind="organisations", filename="g.csv", data=GOOD.encode())
    batch = services.import_batch_preview(actor=world.alice, kind="organisations", filename="g.csv", data=GOOD.encode())
    with pytest.raises(PermissionDenied):
        services.import_batch_commit(actor=world.admin, batch=batch)
    assert not Organisation.objects.filter(name="Harbour Sports Club").exists()


PEOPLE_HEADER = "full_name,organisation,jurisdiction,title,email,contact_consent_date,start_date\n"


@pytestmark_db
def test_people_import_creates_people_with_positions(world):
    data = (
        PEOPLE_HEADER + "Ada Import,Harbour Youth Forum,RU-N-HC,Mentor,ada@example.org,2026-01-10,2025-01-01\n"
        "Bea Import,harbour youth forum,RU-N-HC,Coach,,,\n"
    ).encode()
    batch = services.import_batch_preview(actor=world.alice, kind="people", filename="p.csv", data=data)
    assert batch.errors == []
    services.import_batch_commit(actor=world.alice, batch=batch)
    ada = Person.objects.get(full_name="Ada Import")
    assert ada.jurisdiction == world.city
    assert ada.contact_consent_at is not None
    assert ada.positions.get().title == "Mentor"
    assert Person.objects.get(full_name="Bea Import").positions.get().organisation == world.org


@pytestmark_db
@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("Cy,Harbour Youth Forum,RU-N-HC,Mentor,cy@example.org,,", "contact_consent_date", "consented"),
        ("Cy,Harbour Youth Forum,RU-N-HC,Mentor,,2999-01-01,", "contact_consent_date", "cannot be in the future"),
        ("Cy,Harbour Youth Forum,RU-N-HC,Mentor,,,01-2025", "start_date", "is not a date"),
        ("Cy,South Police,RU-S,Mentor,,,", "organisation", "that you may manage"),
        ("Cy,Nowhere Org,RU-N-HC,Mentor,,,", "organisation", "that you may manage"),
        ("Cy,Harbour Youth Forum,RU-N-HC,,,,", "title", "cannot be blank"),
    ],
)
def test_people_import_row_errors(world, row, column, message):
    batch = services.import_batch_preview(
        actor=world.alice, kind="people", filename="p.csv", data=(PEOPLE_HEADER + row + "\n").encode()
    )
    assert [(e["line"], e["column"]) for e in batch.errors] == [(2, column)], batch.errors
    assert message in batch.errors[0]["message"]
    assert not Person.objects.exists()


# --- Pages -------------------------------------------------------------------------------------


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytestmark_db
def test_import_pages_preview_errors_fix_and_import(client_for, world):
    c = client_for(world.alice)
    bad = GOOD + "Broken Row,community,nowhere,RU-N-HC,,\n"
    response = c.post(
        reverse("stakeholders:import"), {"kind": "organisations", "file": upload("orgs.csv", bad.encode("utf-16"))}
    )
    assert response.status_code == 302
    preview = c.get(response["Location"])
    assert "1 error: nothing will be imported" in preview.text
    assert "<td>4</td><td><code>sector</code></td>" in preview.text
    assert "read as UTF-16" in preview.text
    assert c.post(response["Location"]).status_code == 200  # confirming a file with errors does nothing
    assert not Organisation.objects.filter(name="Harbour Sports Club").exists()

    response = c.post(
        reverse("stakeholders:import"), {"kind": "organisations", "file": upload("orgs.csv", GOOD.encode())}
    )
    preview = c.get(response["Location"])
    assert "All 2 rows are ready to import." in preview.text
    done = c.post(response["Location"])
    assert done.status_code == 302 and done["Location"] == reverse("stakeholders:organisation-list")
    assert Organisation.objects.filter(name="Harbour Sports Club").exists()


@pytestmark_db
def test_import_pages_are_for_coordinators_and_the_uploader(client_for, world):
    assert client_for(world.charlie).get(reverse("stakeholders:import")).status_code == 403
    assert client_for(world.olga).get(reverse("stakeholders:import")).status_code == 403
    batch = services.import_batch_preview(actor=world.alice, kind="organisations", filename="g.csv", data=GOOD.encode())
    url = reverse("stakeholders:import-preview", args=[batch.pk])
    assert client_for(world.admin).get(url).status_code == 404  # someone else's upload
    assert client_for(world.admin).post(url).status_code == 404
    discard = client_for(world.alice).post(reverse("stakeholders:import-discard", args=[batch.pk]))
    assert discard.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    assert client_for(world.alice).post(url).status_code == 200  # a discarded upload cannot be imported
    assert not Organisation.objects.filter(name="Harbour Sports Club").exists()


@pytestmark_db
def test_upload_form_refuses_a_missing_file(client_for, world):
    response = client_for(world.alice).post(reverse("stakeholders:import"), {"kind": "organisations"})
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not ImportBatch.objects.exists()

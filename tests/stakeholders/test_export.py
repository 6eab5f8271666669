"""Exports of the filtered directory: CSV and XLSX with formulas neutralised, Popolo JSON; no contact
details for those without a need."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from stakeholders import exporting, services
from stakeholders.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1 555", "'+1 555"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("  =HYPERLINK(1)", "'  =HYPERLINK(1)"),
        ("plain", "plain"),
        (12, 12),
        ("", ""),
    ],
)
def test_neutralise(value, expected):
    assert exporting.neutralise(value) == expected


def test_csv_export_neutralises_formulas_and_follows_the_filters(client_for, world):
    OrganisationFactory(
        name="Harbour Formula Club",
        description='=HYPERLINK("http://evil.example","x")',
        jurisdiction=world.city,
        sector=world.civil,
    )
    response = client_for(world.charlie).get(
        reverse("stakeholders:organisation-export", args=["csv"]), {"q": "harbour"}
    )
    assert response["Content-Disposition"].startswith('attachment; filename="roundtable-organisations-')
    rows = {r["name"]: r for r in csv_rows(response)}
    assert set(rows) == {"Harbour Youth Forum", "Harbour Formula Club"}
    assert rows["Harbour Formula Club"]["description"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows["Harbour Youth Forum"]["jurisdiction"] == "RU-N-HC"


def test_xlsx_export_writes_text_never_a_formula(client_for, world):
    from openpyxl import load_workbook

    OrganisationFactory(name="=cmd|' /C calc'!A0", jurisdiction=world.city, sector=world.civil)
    response = client_for(world.charlie).get(reverse("stakeholders:organisation-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "cmd" in c.value]
    assert [(c.value, c.data_type) for c in cells] == [("'=cmd|' /C calc'!A0", "s")]


def test_inactive_organisations_are_exported_only_to_those_who_see_them(client_for, world):
    world.org.is_active = False
    world.org.save()
    url = reverse("stakeholders:organisation-export", args=["csv"])
    assert "Harbour Youth Forum" not in {r["name"] for r in csv_rows(client_for(world.charlie).get(url))}
    assert "Harbour Youth Forum" in {r["name"] for r in csv_rows(client_for(world.bob).get(url))}


def test_an_exported_file_can_be_imported_again(client_for, world):
    rows = csv_rows(
        client_for(world.alice).get(
            reverse("stakeholders:organisation-export", args=["csv"]), {"jurisdiction": world.district.pk}
        )
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows([{**r, "name": "Harbour Youth Forum II"} for r in rows])
    batch = services.import_batch_preview(
        actor=world.alice, kind="organisations", filename="again.csv", data=out.getvalue().encode()
    )
    assert batch.errors == []
    services.import_batch_commit(actor=world.alice, batch=batch)
    assert Organisation.objects.get(name="Harbour Youth Forum II").acronym == "HYF"


def test_popolo_export(client_for, world, people):
    data = json.loads(client_for(world.alice).get(reverse("stakeholders:organisation-export", args=["json"])).content)
    assert {o["name"] for o in data["organizations"]} == {"Harbour Youth Forum", "South Police"}
    persons = {p["name"]: p for p in data["persons"]}
    assert set(persons) == {"Pat Okafor", "Sam Southwell", "Fiona Former"}
    assert persons["Pat Okafor"]["contact_details"] == [
        {"type": "email", "value": "pat.private@example.org"},
        {"type": "voice", "value": "+44 20 7946 0001"},
    ]
    assert "contact_details" not in persons["Sam Southwell"]  # another district: alice has no need
    memberships = {(m["person_id"], m["organization_id"], m["role"]) for m in data["memberships"]}
    assert (f"person/{people.pat.pk}", f"organization/{world.org.pk}", "Youth worker") in memberships


def test_popolo_export_for_an_outsider_has_no_personal_data(client_for, world, people):
    body = client_for(world.charlie).get(reverse("stakeholders:organisation-export", args=["json"])).content.decode()
    data = json.loads(body)
    assert {p["name"] for p in data["persons"]} == {"Pat Okafor", "Sam Southwell"}
    for secret in ("pat.private@example.org", "sam.private@example.org", "7946", "fiona", "Hugo"):
        assert secret not in body


def test_people_export_has_contact_details_only_where_there_is_a_need(client_for, world, people):
    url = reverse("stakeholders:person-export", args=["csv"])
    charlie = csv_rows(client_for(world.charlie).get(url))
    assert {r["full_name"] for r in charlie} == {"Pat Okafor", "Sam Southwell"}
    assert all(r["email"] == "" and r["phone"] == "" for r in charlie)
    alice = {r["full_name"]: r for r in csv_rows(client_for(world.alice).get(url))}
    assert alice["Pat Okafor"]["email"] == "pat.private@example.org"
    assert alice["Pat Okafor"]["phone"] == "'+44 20 7946 0001"  # neutralised: a leading + is a formula in Excel
    assert alice["Sam Southwell"]["email"] == ""
    assert alice["Hugo Hidden"]["organisation"] == ""
    xlsx = client_for(world.charlie).get(reverse("stakeholders:person-export", args=["xlsx"]))
    assert xlsx.status_code == 200 and b"pat.private" not in xlsx.content


def test_unknown_export_format_is_404(client_for, world):
    assert client_for(world.alice).get(reverse("stakeholders:organisation-export", args=["pdf"])).status_code == 404
    assert client_for(world.alice).get(reverse("stakeholders:person-export", args=["json"])).status_code == 404

"""Template pages: sharing admins create and edit standard formats row by row, each field typed;
bad definitions get a clear message on the row; a template in use keeps its fields' names and types."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from infosharing import services
from infosharing.models import TLP, Template

pytestmark = pytest.mark.django_db


def _rows(*rows: dict, version: str = "", name: str = "Incident report", **head) -> dict:  # type: ignore[type-arg]
    data = {
        "name": name,
        "description": "One incident",
        "is_active": "on",
        "version": version,
        "fields-TOTAL_FORMS": str(len(rows)),
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "50",
        **head,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"fields-{i}-{key}"] = value
    return data


WARD = {"name": "ward", "label": "Ward", "type": "text", "required": "on", "help": "Where"}
PEOPLE = {"name": "people", "label": "People involved", "type": "integer"}
KIND = {"name": "kind", "label": "Kind", "type": "choice", "choices_text": "Tension\nThreat"}


def test_a_sharing_admin_creates_a_typed_template_and_items_are_checked_against_it(sw, client_for):
    c = client_for(sw.sana)
    assert c.get(reverse("infosharing:template-create")).status_code == 200
    r = c.post(reverse("infosharing:template-create"), _rows(WARD, PEOPLE, KIND, {"name": "", "type": "text"}))
    assert r.status_code == 302, r.content.decode()[:3000]
    tpl = Template.objects.get(name="Incident report")
    assert [f["name"] for f in tpl.fields] == ["ward", "people", "kind"]
    assert tpl.fields[0]["required"] and tpl.fields[2]["choices"] == ["Tension", "Threat"]
    assert AuditEvent.objects.filter(action="template.define", target_id=str(tpl.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        services.item_create(
            actor=sw.paula,
            title="x",
            organisation=sw.police,
            category="Safeguarding",
            template=tpl,
            values={"ward": "North", "people": "several", "kind": "Riot"},
        )
    assert exc.value.message_dict["values.people"] == ["People involved must be Whole number."]
    assert "values.kind" in exc.value.message_dict


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"name": "2nd ward", "type": "text"}, "Use letters, digits and underscores only"),
        ({"name": "kind", "type": "choice"}, "List at least one choice"),
        ({"name": "kind", "type": "choice", "choices_text": "A\nA"}, "Each choice is listed once"),
        ({"name": "ward", "type": "text", "choices_text": "A"}, "Only a “One of a list” field has choices"),
        ({"name": "ward", "type": "colour"}, "Select a valid choice"),
    ],
)
def test_bad_field_definitions_are_refused_on_their_row(sw, client_for, row, message):
    r = client_for(sw.sana).post(reverse("infosharing:template-create"), _rows(row))
    assert r.status_code == 200 and message in r.content.decode()
    assert not Template.objects.filter(name="Incident report").exists()


def test_two_fields_with_one_name_or_none_at_all_are_refused(sw, client_for):
    c = client_for(sw.sana)
    body = c.post(reverse("infosharing:template-create"), _rows(WARD, dict(WARD, label="Again"))).content.decode()
    assert "Two fields are named ward." in body
    body = c.post(reverse("infosharing:template-create"), _rows({"name": "", "type": "text"})).content.decode()
    assert "A template has at least one field." in body
    assert not Template.objects.exists()


def test_a_template_in_use_keeps_its_fields_names_and_types(sw, client_for):
    tpl = services.template_define(
        actor=sw.sana,
        name="Incident report",
        fields=[
            {"name": "ward", "type": "text", "required": True},
            {"name": "kind", "type": "choice", "choices": ["Tension", "Threat"]},
        ],
    )
    services.item_create(
        actor=sw.paula,
        title="x",
        organisation=sw.police,
        category="Safeguarding",
        label=TLP.GREEN,
        template=tpl,
        values={"ward": "North", "kind": "Threat"},
    )
    url = reverse("infosharing:template-edit", args=[tpl.pk])
    c = client_for(sw.sana)
    page = c.get(url).content.decode()
    assert 'value="ward"' in page and "Tension\nThreat" in page
    version = tpl.updated_at.isoformat()
    kind = {"name": "kind", "type": "choice", "choices_text": "Tension"}
    body = c.post(url, _rows({"name": "ward", "type": "integer", "required": "on"}, kind, version=version))
    text = body.content.decode()
    assert "its type cannot change" in text and "Items hold the choice “Threat”" in text
    tpl.refresh_from_db()
    assert tpl.fields[0]["type"] == "text"
    ok = c.post(
        url,
        _rows(
            {"name": "ward", "label": "Ward or village", "type": "text", "required": "on"},
            {"name": "kind", "type": "choice", "choices_text": "Tension\nThreat\nRumour"},
            {"name": "source", "type": "long_text"},
            version=version,
        ),
    )
    assert ok.status_code == 302
    tpl.refresh_from_db()
    assert tpl.fields[0]["label"] == "Ward or village" and len(tpl.fields) == 3
    stale = c.post(url, _rows(WARD, version=version))
    assert "Someone changed this template" in stale.content.decode()


def test_only_sharing_admins_reach_the_template_pages(sw, client_for, django_assert_max_num_queries):
    tpl = services.template_define(actor=sw.sana, name="Short", fields=[{"name": "a", "type": "text"}])
    for persona in ("mona", "paula", "alice", "bob"):
        c = client_for(getattr(sw, persona))
        assert c.get(reverse("infosharing:template-create")).status_code == 403
        assert c.get(reverse("infosharing:template-edit", args=[tpl.pk])).status_code == 403
    assert client_for(sw.sana).get(reverse("infosharing:template-edit", args=[tpl.pk + 999])).status_code == 404
    c = client_for(sw.sana)
    with django_assert_max_num_queries(12):
        c.get(reverse("infosharing:template-edit", args=[tpl.pk]))
    big = services.template_define(
        actor=sw.sana, name="Long", fields=[{"name": f"f{n}", "type": "text"} for n in range(30)]
    )
    with django_assert_max_num_queries(12):
        assert c.get(reverse("infosharing:template-edit", args=[big.pk])).status_code == 200

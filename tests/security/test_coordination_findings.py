"""Findings of issue #7 in committees and meetings, each reproduced as an attack: every test here
failed on the main branch before the fix.

Personas: ``cw`` (tests/coordination/conftest.py) and ``safe`` (tests/security/conftest.py): a held
confidential meeting of the Harbour committee that sam attended.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.models import Committee
from tests.coordination.factories import CommitteeFactory
from tests.security.conftest import SECRET_MINUTES

pytestmark = pytest.mark.django_db

COMMITTEES = "/api/v1/committees/"


# --- Medium 10: links to committees and organisations the caller cannot see ---------------------


def _committee_body(cw, **extra):  # type: ignore[no-untyped-def]
    return {"name": "Harbour Youth Panel", "kind": "lpn", "jurisdiction": cw.city.pk, **extra}


def test_an_invisible_parent_or_secretariat_answers_like_a_missing_one(api_for, cw):
    """Alice coordinates the north; the south's committee and an inactive southern organisation are
    hidden from her. Naming either answered 201."""
    cw.other_org.is_active = False
    cw.other_org.save()
    c = api_for(cw.alice)
    for field, hidden in (("parent", cw.south.pk), ("secretariat", cw.other_org.pk)):
        invisible = c.post(COMMITTEES, _committee_body(cw, **{field: hidden}), format="json")
        missing = c.post(COMMITTEES, _committee_body(cw, **{field: 999999}), format="json")
        assert invisible.status_code == missing.status_code == 400, field
        assert invisible.json()[field] == [m.replace("999999", str(hidden)) for m in missing.json()[field]]
    assert not Committee.objects.filter(name="Harbour Youth Panel").exists()
    ok = c.post(COMMITTEES, _committee_body(cw, parent=cw.committee.pk, secretariat=cw.org.pk), format="json")
    assert ok.status_code == 201, ok.json()


def test_the_service_refuses_what_the_caller_may_not_see_whatever_calls_it(cw):
    cw.other_org.is_active = False
    cw.other_org.save()
    for field, hidden in (("parent", cw.south), ("secretariat", cw.other_org)):
        with pytest.raises(ValidationError) as exc:
            services.committee_create(actor=cw.alice, jurisdiction=cw.city, name="X", kind="lpn", **{field: hidden})
        assert field in exc.value.message_dict
        assert str(hidden) not in str(exc.value)
    with pytest.raises(ValidationError):
        services.committee_update(actor=cw.alice, committee=cw.committee, parent=cw.south)
    cw.committee.refresh_from_db()
    assert cw.committee.parent_id is None


def test_pages_do_not_name_a_parent_the_reader_cannot_see(client_for, cw):
    """A committee that reports to a body its members cannot see: the member's pages name it nowhere."""
    apex = CommitteeFactory(name="Provincial Apex Committee", jurisdiction=cw.other_district)
    Committee.objects.filter(pk=cw.committee.pk).update(parent=apex)
    c = client_for(cw.mike)
    detail = c.get(cw.committee.get_absolute_url())
    listing = c.get(reverse("coordination:committee-list"))
    assert detail.status_code == listing.status_code == 200
    assert "Provincial Apex Committee" not in detail.text + listing.text
    assert "Provincial Apex Committee" in client_for(cw.admin).get(cw.committee.get_absolute_url()).text


def test_an_edit_keeps_a_parent_the_editor_cannot_see(client_for, cw):
    apex = CommitteeFactory(name="Provincial Apex Committee", jurisdiction=cw.other_district)
    Committee.objects.filter(pk=cw.committee.pk).update(parent=apex)
    c = client_for(cw.alice)
    url = reverse("coordination:committee-update", args=[cw.committee.pk])
    page = c.get(url)
    assert page.status_code == 200 and "Provincial Apex Committee" not in page.text
    response = c.post(
        url,
        {
            "name": cw.committee.name,
            "kind": cw.committee.kind,
            "jurisdiction": cw.city.pk,
            "status": "active",
            "quorum_rule": "none",
        },
    )
    assert response.status_code == 302
    cw.committee.refresh_from_db()
    assert cw.committee.parent_id == apex.pk


def _unused() -> None:  # keep imports used while the findings below are added
    _ = (timedelta, timezone, SECRET_MINUTES)

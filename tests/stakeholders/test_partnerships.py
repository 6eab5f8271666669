"""Partnerships between organisations: rule, services, the organisation page's network view, API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from stakeholders import selectors, services
from stakeholders.models import Partnership
from tests.factories import OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/partnerships/"


@pytest.fixture
def partners(world):  # type: ignore[no-untyped-def]
    clinic = OrganisationFactory(
        name="Harbour Health Clinic", jurisdiction=world.city, sector=world.civil, kind="health"
    )
    referral = PartnershipFactory(
        organisation=world.org,
        partner=clinic,
        kind=Partnership.Kind.REFERRAL,
        notes="Young people referred to counselling",
    )
    mou = PartnershipFactory(organisation=world.other_org, partner=world.org, kind=Partnership.Kind.MOU)
    return clinic, referral, mou


def test_a_partnership_is_seen_by_whoever_sees_both_organisations(world, partners):
    clinic, referral, mou = partners
    assert set(selectors.partnership_list_visible_to(world.charlie)) == {referral, mou}
    clinic.is_active = False
    clinic.save()
    assert set(selectors.partnership_list_visible_to(world.charlie)) == {mou}
    assert set(selectors.partnership_list_visible_to(world.bob)) == {referral, mou}


def test_whoever_may_change_either_organisation_records_and_edits(world, partners):
    clinic, referral, mou = partners
    rows = {p.pk: p.can_change for p in selectors.partnership_list_visible_to(world.olga)}
    assert rows == {referral.pk: True, mou.pk: True}  # her organisation is on both
    created = services.partnership_create(
        actor=world.olga, organisation=world.org, partner=world.other_org, kind=Partnership.Kind.JOINT_PROGRAMME
    )
    assert AuditEvent.objects.filter(action="partnership.create", target_id=str(created.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.partnership_create(actor=world.charlie, organisation=world.org, partner=clinic, kind="mou")
    with pytest.raises(PermissionDenied):
        services.partnership_update(actor=world.bob, partnership=referral, notes="x")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"partner": "self"}, "__all__"),
        ({"kind": "referral"}, "__all__"),  # the same partnership twice
        ({"start_date": "2026-05-01", "end_date": "2026-01-01"}, "__all__"),
        ({"kind": "handshake"}, "kind"),
    ],
)
def test_bad_partnerships_are_refused_with_a_message(world, partners, change, field):
    clinic = partners[0]
    data = {"organisation": world.org, "partner": clinic, "kind": "mou", **change}
    if data["partner"] == "self":
        data["partner"] = world.org
    before = Partnership.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.partnership_create(actor=world.alice, **data)
    assert field in exc.value.message_dict
    assert Partnership.objects.count() == before


def test_an_invisible_partner_is_refused_as_if_missing(world, partners):
    hidden = OrganisationFactory(jurisdiction=world.other_district, sector=world.civil, is_active=False)
    with pytest.raises(ValidationError) as exc:
        services.partnership_create(actor=world.olga, organisation=world.org, partner=hidden, kind="mou")
    assert "partner" in exc.value.message_dict


def test_organisation_page_shows_the_list_and_the_network(client_for, world, partners):
    page = client_for(world.charlie).get(reverse("stakeholders:organisation-detail", args=[world.org.pk]))
    assert page.status_code == 200
    assert "<svg" in page.text and 'role="img"' in page.text
    assert "Harbour Health Clinic" in page.text and "South Police" in page.text
    assert "Referral pathway" in page.text
    assert 'marker-end="url(#arrow)"' in page.text  # the referral goes out from this organisation
    assert reverse("stakeholders:partnership-update", args=[partners[1].pk]) not in page.text  # an outsider
    olga_page = client_for(world.olga).get(reverse("stakeholders:organisation-detail", args=[world.org.pk]))
    assert reverse("stakeholders:partnership-update", args=[partners[1].pk]) in olga_page.text


def test_partnership_list_page_and_forms(client_for, world, partners):
    clinic, referral, mou = partners
    page = client_for(world.charlie).get(reverse("stakeholders:partnership-list"), {"kind": "referral"})
    assert "Harbour Health Clinic" in page.text
    assert "South Police" not in page.text
    assert client_for(world.charlie).get(reverse("stakeholders:partnership-create")).status_code == 403
    assert client_for(world.bob).get(reverse("stakeholders:partnership-update", args=[referral.pk])).status_code == 403
    response = client_for(world.alice).post(
        reverse("stakeholders:partnership-create"),
        {
            "organisation": world.org.pk,
            "partner": clinic.pk,
            "kind": "joint_programme",
            "notes": "Summer camp",
        },
    )
    assert response.status_code == 302
    assert Partnership.objects.filter(kind="joint_programme", notes="Summer camp").exists()
    again = client_for(world.alice).post(
        reverse("stakeholders:partnership-create"),
        {
            "organisation": world.org.pk,
            "partner": clinic.pk,
            "kind": "joint_programme",
        },
    )
    assert again.status_code == 200
    assert "already have a partnership of this kind" in again.text


def test_partnership_api(api_for, world, partners):
    clinic, referral, mou = partners
    rows = api_for(world.charlie).get(URL, {"organisation": clinic.pk}).json()["results"]
    assert [r["id"] for r in rows] == [referral.pk]
    assert rows[0]["partner_name"] == "Harbour Health Clinic"
    assert api_for(world.bob).patch(f"{URL}{referral.pk}/", {"notes": "x"}, format="json").status_code == 403
    assert api_for(world.olga).patch(f"{URL}{referral.pk}/", {"notes": "Weekly"}, format="json").status_code == 200
    clinic.is_active = False
    clinic.save()
    assert api_for(world.charlie).get(f"{URL}{referral.pk}/").status_code == 404
    bad = api_for(world.alice).post(
        URL, {"organisation": world.org.pk, "partner": world.org.pk, "kind": "mou"}, format="json"
    )
    assert bad.status_code == 400
    assert "non_field_errors" in bad.json()

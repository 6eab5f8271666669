"""Resource offers: what organisations (companies above all) offer the network."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from stakeholders import selectors, services
from stakeholders.models import ResourceOffer
from tests.factories import OrganisationFactory, ResourceOfferFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/resource-offers/"


@pytest.fixture
def offers(world):  # type: ignore[no-untyped-def]
    company = OrganisationFactory(
        name="Harbour Shipping Ltd", jurisdiction=world.city, sector=world.civil, kind="private"
    )
    places = ResourceOfferFactory(organisation=company, title="Apprenticeship places", quantity=12, unit="places")
    money = ResourceOfferFactory(
        organisation=company,
        title="Grant",
        kind="money",
        value=Decimal("5000"),
        currency="EUR",
        status=ResourceOffer.Status.DELIVERED,
    )
    elsewhere = ResourceOfferFactory(organisation=world.other_org, title="Meeting room", kind="facilities")
    return company, places, money, elsewhere


def test_offers_are_seen_by_those_responsible_for_the_jurisdiction_and_the_offering_organisation(world, offers):
    company, places, money, elsewhere = offers
    assert set(selectors.offer_list_visible_to(world.alice)) == {places, money}
    assert set(selectors.offer_list_visible_to(world.bob)) == {places, money}
    assert set(selectors.offer_list_visible_to(world.admin)) == {places, money, elsewhere}
    assert set(selectors.offer_list_visible_to(world.charlie)) == set()
    assert set(selectors.offer_list_visible_to(world.alice, status="open")) == {places}


def test_organisation_admins_offer_their_own_resources(world, offers):
    offer = services.offer_create(
        actor=world.olga, organisation=world.org, kind="staff_time", title="Volunteers", quantity=40, unit="hours"
    )
    assert offer.jurisdiction == world.org.jurisdiction
    with pytest.raises(PermissionDenied):
        services.offer_create(actor=world.olga, organisation=world.other_org, kind="money", title="Not hers")
    with pytest.raises(PermissionDenied):
        services.offer_update(actor=world.bob, offer=offers[1], status="withdrawn")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": Decimal("100")}, "currency"),
        ({"value": Decimal("-1"), "currency": "EUR"}, "value"),
        ({"currency": "euro", "value": Decimal("1")}, "currency"),
        ({"start_date": "2026-06-01", "end_date": "2026-01-01"}, "__all__"),
        ({"kind": "gold"}, "kind"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_offers_are_refused(world, offers, change, field):
    before = ResourceOffer.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.offer_create(actor=world.alice, **{"organisation": offers[0], "kind": "money", "title": "X", **change})
    assert field in exc.value.message_dict
    assert ResourceOffer.objects.count() == before


def test_open_offers_page(client_for, world, offers):
    page = client_for(world.alice).get(reverse("stakeholders:offer-list"))
    assert "Apprenticeship places" in page.text
    assert "Grant" not in page.text  # delivered, and the page shows open offers by default
    assert "Meeting room" not in page.text
    delivered = client_for(world.alice).get(reverse("stakeholders:offer-list"), {"status": "delivered"})
    assert "Grant" in delivered.text and "5,000" in delivered.text
    assert "Apprenticeship places" not in client_for(world.charlie).get(reverse("stakeholders:offer-list")).text
    company_page = reverse("stakeholders:organisation-detail", args=[offers[0].pk])
    assert "Apprenticeship places" not in client_for(world.charlie).get(company_page).text
    assert "Apprenticeship places" in client_for(world.bob).get(company_page).text
    assert client_for(world.charlie).get(reverse("stakeholders:offer-create")).status_code == 403
    assert client_for(world.bob).get(reverse("stakeholders:offer-create")).status_code == 403
    assert client_for(world.olga).get(reverse("stakeholders:offer-create")).status_code == 200
    assert client_for(world.charlie).get(reverse("stakeholders:offer-update", args=[offers[1].pk])).status_code == 404
    assert client_for(world.bob).get(reverse("stakeholders:offer-update", args=[offers[1].pk])).status_code == 403


def test_offer_form(client_for, world, offers):
    ok = client_for(world.alice).post(
        reverse("stakeholders:offer-create"),
        {
            "organisation": offers[0].pk,
            "kind": "training_places",
            "title": "Forklift training",
            "quantity": 5,
            "unit": "places",
            "status": "open",
            "currency": "eur",
            "value": "300",
        },
    )
    assert ok.status_code == 302
    assert ResourceOffer.objects.get(title="Forklift training").currency == "EUR"
    bad = client_for(world.alice).post(
        reverse("stakeholders:offer-create"),
        {"organisation": offers[0].pk, "kind": "money", "title": "No currency", "value": "300", "status": "open"},
    )
    assert bad.status_code == 200
    assert "Give the currency of the value" in bad.text


def test_offers_api(api_for, world, offers):
    company, places, money, elsewhere = offers
    rows = api_for(world.alice).get(URL, {"status": "open", "within": world.district.pk}).json()["results"]
    assert [r["title"] for r in rows] == ["Apprenticeship places"]
    assert api_for(world.charlie).get(f"{URL}{places.pk}/").status_code == 404
    assert api_for(world.bob).patch(f"{URL}{places.pk}/", {"status": "agreed"}, format="json").status_code == 403
    assert api_for(world.alice).patch(f"{URL}{places.pk}/", {"status": "agreed"}, format="json").status_code == 200
    bad = api_for(world.alice).post(
        URL, {"organisation": company.pk, "kind": "money", "title": "X", "value": "10"}, format="json"
    )
    assert bad.status_code == 400
    assert "currency" in bad.json()

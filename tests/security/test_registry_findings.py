"""The registry's findings of issue #7, each reproduced as an attacker would (through the API, as a
persona of tests/conftest.py). Each failed on the code before the permission registry.

Personas: alice coordinates the North District (the "Tangail" of the report), olga administers
``org`` there; ``nyc`` below coordinates the South District (the "New York" of the report) and
chairs its interagency committee; charlie has no role.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.models import CommitteeMembership
from stakeholders import permissions
from stakeholders.models import JurisdictionRole, Person
from tests.coordination.factories import CommitteeFactory, CommitteeMembershipFactory
from tests.factories import (
    JurisdictionRoleFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    StakeholderMappingFactory,
    UserFactory,
)
from tests.stakeholders import conftest as stakeholders_conftest

pytestmark = pytest.mark.django_db

people = stakeholders_conftest.people  # pat, sam, hugo, fiona (tests/stakeholders/conftest.py)

MISSING = 10**9


@pytest.fixture
def cities(world):  # type: ignore[no-untyped-def]
    consent = timezone.now() - timedelta(days=30)
    nyc = UserFactory(email="nyc.coordinator@example.org", full_name="Nia York")
    JurisdictionRoleFactory(user=nyc, jurisdiction=world.other_district, role=JurisdictionRole.Role.COORDINATOR)
    nyc_person = PersonFactory(
        full_name="Nia York",
        user=nyc,
        email="nia.private@example.org",
        contact_consent_at=consent,
        jurisdiction=world.other_district,
    )
    PositionFactory(person=nyc_person, organisation=world.other_org, title="City coordinator")
    committee = CommitteeFactory(name="South interagency committee", jurisdiction=world.other_district)
    CommitteeMembershipFactory(
        committee=committee, person=nyc_person, organisation=world.other_org, role=CommitteeMembership.Role.CHAIR
    )
    alice_person = PersonFactory(full_name="Alice Coordinator", user=world.alice, jurisdiction=world.district)
    hidden_org = OrganisationFactory(
        name="Dormant South Trust", jurisdiction=world.other_district, sector=world.civil, is_active=False
    )
    return SimpleNamespace(
        nyc=nyc, nyc_person=nyc_person, committee=committee, alice_person=alice_person, hidden_org=hidden_org
    )


# --- High 1: a coordinator takes over another city's committee --------------------------------


def test_high_1_a_coordinator_cannot_take_over_another_citys_committee(api_for, world, cities):
    alice = api_for(world.alice)
    committee_url = f"/api/v1/committees/{cities.committee.pk}/"
    assert alice.get(committee_url).status_code == 404

    seat = alice.post(
        "/api/v1/positions/",
        {"person": cities.nyc_person.pk, "organisation": world.org.pk, "title": "Adviser"},
        format="json",
    )
    assert seat.status_code == 403  # she may not change the New York coordinator's record
    unlink = alice.patch(f"/api/v1/people/{cities.alice_person.pk}/", {"user": None}, format="json")
    assert unlink.status_code == 403  # a login link is a grant: not hers to make or unmake
    relink = alice.patch(f"/api/v1/people/{cities.nyc_person.pk}/", {"user": world.alice.pk}, format="json")
    assert relink.status_code == 403

    assert Person.objects.get(pk=cities.nyc_person.pk).user == cities.nyc
    assert Person.objects.get(pk=cities.alice_person.pk).user == world.alice
    assert not cities.nyc_person.positions.filter(organisation=world.org).exists()
    assert alice.get(committee_url).status_code == 404


def test_high_1_nobody_but_a_platform_admin_sets_someone_elses_login_on_a_record(api_for, world, people):
    # Even within her scope (hugo is registered in her city), alice may not link a login.
    response = api_for(world.alice).patch(f"/api/v1/people/{people.hugo.pk}/", {"user": world.alice.pk}, format="json")
    assert response.status_code == 403
    assert Person.objects.get(pk=people.hugo.pk).user is None
    admin = api_for(world.admin).patch(f"/api/v1/people/{people.hugo.pk}/", {"user": world.mona.pk}, format="json")
    assert admin.status_code == 200
    assert Person.objects.get(pk=people.hugo.pk).user == world.mona


def test_high_1_an_ended_position_gives_no_write_access_to_the_record(world):
    someone = PersonFactory(full_name="Erin Elsewhere", jurisdiction=world.other_district)
    PositionFactory(
        person=someone, organisation=world.org, title="Intern", start_date=date(2020, 1, 1), end_date=date(2021, 1, 1)
    )
    assert not permissions.can_change_person(world.alice, someone)
    assert not permissions.can_change_person(world.olga, someone)


def test_high_1_a_position_that_has_not_started_gives_no_write_access_yet(world):
    someone = PersonFactory(full_name="Fay Future", jurisdiction=world.other_district)
    PositionFactory(
        person=someone, organisation=world.org, title="Incoming", start_date=timezone.localdate() + timedelta(days=30)
    )
    assert not permissions.can_change_person(world.olga, someone)


# --- High 4: an organisation admin harvests and rewrites anyone's contact details ---------------


def test_high_4_an_organisation_admin_cannot_seat_an_outsider_to_read_and_rewrite_their_contact(api_for, world, people):
    olga = api_for(world.olga)
    seat = olga.post(
        "/api/v1/positions/",
        {"person": people.sam.pk, "organisation": world.org.pk, "title": "Volunteer"},
        format="json",
    )
    assert seat.status_code == 403
    assert not people.sam.positions.filter(organisation=world.org).exists()
    detail = olga.get(f"/api/v1/people/{people.sam.pk}/").json()
    assert detail["email"] is None
    rewrite = olga.patch(f"/api/v1/people/{people.sam.pk}/", {"email": "attacker@example.org"}, format="json")
    assert rewrite.status_code == 403
    assert Person.objects.get(pk=people.sam.pk).email == "sam.private@example.org"
    # Her organisation's members do not gain sam's contact details either.
    assert api_for(world.mona).get(f"/api/v1/people/{people.sam.pk}/").json()["email"] is None


# --- High 5: the browsable API's forms list what the user may not see --------------------------


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, f"no <select name={name}> in the page"
    return [v for v in re.findall(r'<option[^>]*value="([^"]*)"', select.group(1)) if v]


def test_high_5_browsable_position_form_lists_only_people_the_user_may_open(client_for, world, people):
    charlie = client_for(world.charlie)
    page = charlie.get("/api/v1/positions/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    person_ids = _options(page.text, "person")
    assert str(people.hugo.pk) not in person_ids and str(people.fiona.pk) not in person_ids
    for pk in person_ids:
        assert charlie.get(f"/api/v1/people/{pk}/").status_code == 200, pk
    for pk in _options(page.text, "organisation"):
        assert charlie.get(f"/api/v1/organisations/{pk}/").status_code == 200, pk


def test_high_5_browsable_people_form_lists_no_one_elses_login(client_for, world, people):
    page = client_for(world.charlie).get("/api/v1/people/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert _options(page.text, "user") == [str(world.charlie.pk)]
    for user in (world.alice, world.admin, people.pat_login, world.olga):
        assert user.email not in page.text
    assert "pat.private@example.org" not in page.text


# --- Medium 10: links to organisations the caller cannot see -----------------------------------


def test_medium_10_an_invisible_parent_is_refused_like_a_missing_one(api_for, world, cities):
    alice = api_for(world.alice)

    def create(parent: int) -> tuple[int, str]:
        response = alice.post(
            "/api/v1/organisations/",
            {
                "name": f"Harbour Youth Choir {parent}",
                "kind": "youth",
                "sector": world.civil.pk,
                "jurisdiction": world.city.pk,
                "parent": parent,
            },
            format="json",
        )
        return response.status_code, response.content.decode().replace(str(parent), "<id>")

    hidden = create(cities.hidden_org.pk)
    assert hidden[0] == 400
    assert hidden == create(MISSING)
    assert not cities.hidden_org.children.exists()


def test_medium_10_a_hidden_parent_is_not_named_on_the_organisation_page(client_for, world, cities):
    child = OrganisationFactory(name="Harbour Branch", jurisdiction=world.city, sector=world.civil, parent=None)
    child.parent = cities.hidden_org
    child.save()
    page = client_for(world.alice).get(reverse("stakeholders:organisation-detail", args=[child.pk]))
    assert page.status_code == 200
    assert "Dormant South Trust" not in page.text


# --- Low 16: existence oracles -------------------------------------------------------------------


def _masked(response) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    return response.status_code, re.sub(r"\d+", "<id>", response.content.decode())


@pytest.mark.parametrize("endpoint", ["/api/v1/stakeholder-mappings/", "/api/v1/resource-offers/"])
def test_low_16_filtering_by_an_invisible_organisation_answers_like_a_missing_one(api_for, world, cities, endpoint):
    StakeholderMappingFactory(jurisdiction=world.other_district, organisation=cities.hidden_org)
    alice = api_for(world.alice)
    hidden = alice.get(endpoint, {"organisation": cities.hidden_org.pk})
    missing = alice.get(endpoint, {"organisation": MISSING})
    assert hidden.status_code == 400
    assert _masked(hidden) == _masked(missing)


def test_low_16_an_invisible_person_and_a_missing_one_give_the_same_error(api_for, world, people):
    olga = api_for(world.olga)

    def attempt(pk: int):  # type: ignore[no-untyped-def]
        return olga.post(
            "/api/v1/positions/", {"person": pk, "organisation": world.org.pk, "title": "X"}, format="json"
        )

    hidden, missing = attempt(people.hugo.pk), attempt(MISSING)
    assert hidden.status_code == 400
    assert _masked(hidden) == _masked(missing)


def test_low_16_linking_a_login_does_not_say_whose_record_holds_it(api_for, world, people):
    alice = api_for(world.alice)
    url = f"/api/v1/people/{people.hugo.pk}/"
    taken = alice.patch(url, {"user": people.pat_login.pk}, format="json")
    missing = alice.patch(url, {"user": MISSING}, format="json")
    assert "already exists" not in taken.content.decode()
    assert _masked(taken) == _masked(missing)
    # A platform admin is told the login is taken, without naming the record.
    admin = api_for(world.admin).patch(url, {"user": people.pat_login.pk}, format="json")
    assert admin.status_code == 400
    assert "Pat" not in admin.content.decode() and "already exists" not in admin.content.decode()

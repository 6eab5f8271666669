"""People, positions and the contact-details rule, in the permission layer, services, pages and API."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from stakeholders import permissions, selectors, services
from stakeholders.models import Person, Position
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


# --- Who sees whom -----------------------------------------------------------------------------


def test_public_directory_shows_people_with_a_current_position_in_an_active_organisation(world, people):
    visible = set(selectors.person_list_visible_to(world.charlie))
    assert visible == {people.pat, people.sam}


def test_those_responsible_see_people_without_a_public_position(world, people):
    for user in (world.admin, world.alice, world.bob):
        assert {people.hugo, people.fiona} <= set(selectors.person_list_visible_to(user)), user
    # the organisation's own people see its former members, not someone merely registered in the city
    assert people.fiona in selectors.person_list_visible_to(world.mona)
    assert people.hugo not in selectors.person_list_visible_to(world.mona)


def test_a_person_linked_to_a_login_sees_their_own_record_even_without_a_public_position(world, people):
    people.hugo.user = world.charlie
    people.hugo.save()
    assert people.hugo in selectors.person_list_visible_to(world.charlie)
    assert permissions.can_see_person_contact(world.charlie, people.hugo)


@pytest.mark.parametrize(
    ("persona", "sees_pat", "sees_sam"),
    [
        ("admin", True, True),
        ("alice", True, False),  # coordinator of pat's district, not of sam's
        ("bob", False, False),  # a liaison reads the registry but gets no contact details by rank
        ("olga", True, False),  # pat's own organisation (admin)
        ("mona", True, False),  # pat's own organisation (member)
        ("charlie", False, False),
    ],
)
def test_contact_details_rule(world, people, persona, sees_pat, sees_sam):
    user = getattr(world, persona)
    assert permissions.can_see_person_contact(user, people.pat) is sees_pat
    assert permissions.can_see_person_contact(user, people.sam) is sees_sam
    rows = {p.pk: p.contact_visible for p in selectors.person_list_visible_to(user)}
    assert rows.get(people.pat.pk, False) is sees_pat
    assert rows.get(people.sam.pk, False) is sees_sam


def test_the_person_themself_sees_their_contact_details(world, people):
    assert permissions.can_see_person_contact(people.pat_login, people.pat)
    assert not permissions.can_see_person_contact(people.pat_login, people.sam)


def test_former_organisation_members_lose_contact_access_with_the_position(world, people):
    assert not permissions.can_see_person_contact(world.mona, people.fiona)
    assert permissions.can_see_person_contact(world.alice, people.fiona)  # still her coordinator


# --- Services ----------------------------------------------------------------------------------


def test_coordinator_registers_a_person_with_a_position_and_it_is_audited(world):
    person = services.person_create(
        actor=world.alice,
        organisation=world.org,
        title="Mentor",
        full_name="New Person",
        email="new@example.org",
        contact_consent_at=world.org.created_at,
    )
    assert person.jurisdiction == world.city
    assert Position.objects.filter(person=person, organisation=world.org, title="Mentor").exists()
    event = AuditEvent.objects.get(action="person.create", target_id=str(person.pk))
    assert event.actor == world.alice


def test_contact_details_need_the_date_of_consent(world):
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            actor=world.alice, jurisdiction=world.city, full_name="No Consent", email="nc@example.org"
        )
    assert "contact_consent_at" in exc.value.error_dict
    assert not Person.objects.filter(full_name="No Consent").exists()


def test_organisation_admin_registers_people_only_in_her_organisation(world):
    person = services.person_create(actor=world.olga, organisation=world.org, title="Volunteer", full_name="Vera")
    assert person.jurisdiction == world.org.jurisdiction
    with pytest.raises(ValidationError):
        services.person_create(actor=world.olga, full_name="Nowhere")
    with pytest.raises(ValidationError):
        services.person_create(actor=world.olga, organisation=world.other_org, title="Spy", full_name="Elsewhere")
    assert not Person.objects.filter(full_name__in=["Nowhere", "Elsewhere"]).exists()


def test_outsiders_and_liaisons_may_not_register_or_change_people(world, people):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=world.charlie, full_name="X")
    with pytest.raises(PermissionDenied):
        services.person_create(actor=world.bob, full_name="X")
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.bob, person=people.pat, full_name="Renamed")
    with pytest.raises(PermissionDenied):
        services.person_update(actor=world.alice, person=people.sam, full_name="Renamed")  # other district
    people.pat.refresh_from_db()
    assert people.pat.full_name == "Pat Okafor"


def test_only_platform_admins_link_a_login(world, people):
    # Changed with issue #7 (finding 1): a login link is a grant, so coordinators no longer set it.
    for actor in (world.olga, world.alice):
        with pytest.raises(PermissionDenied):
            services.person_update(actor=actor, person=people.hugo, user=world.mona)
    services.person_update(actor=world.admin, person=people.hugo, user=world.mona)
    assert Person.objects.get(pk=people.hugo.pk).user == world.mona
    assert AuditEvent.objects.filter(action="person.login_link", target_id=str(people.hugo.pk)).exists()


def test_update_audit_says_that_personal_data_changed_never_what_it_is(world, people):
    services.person_update(actor=world.alice, person=people.pat, email="pat.new@example.org", pronouns="they/them")
    event = AuditEvent.objects.filter(action="person.update", target_id=str(people.pat.pk)).get()
    assert event.changes["email"] == "(changed)"
    assert "pat.new@example.org" not in json.dumps(event.changes)
    assert event.changes["pronouns"] == ["", "they/them"]


def test_withdrawing_consent_erases_the_contact_details(world, people):
    services.person_contact_consent_withdraw(actor=world.olga, person=people.pat, reason="Asked by phone")
    people.pat.refresh_from_db()
    assert (people.pat.email, people.pat.phone, people.pat.contact_consent_at) == ("", "", None)
    assert AuditEvent.objects.filter(action="person.consent_withdraw", reason="Asked by phone").exists()


def test_subject_access_export_holds_everything_and_is_audited(world, people):
    data = services.person_data_export(actor=world.alice, person=people.pat)
    assert data["person"]["email"] == "pat.private@example.org"
    assert data["person"]["login"] == "pat@example.org"
    assert data["positions"][0]["organisation"] == "Harbour Youth Forum"
    assert data["person"]["contact_consent_at"]
    assert AuditEvent.objects.filter(action="person.export", actor=world.alice, target_id=str(people.pat.pk)).exists()
    own = services.person_data_export(actor=people.pat_login, person=people.pat)
    assert own["person"]["full_name"] == "Pat Okafor"


def test_subject_access_export_refused_without_a_need(world, people):
    for user in (world.bob, world.charlie, world.olga):
        with pytest.raises(PermissionDenied):
            services.person_data_export(actor=user, person=people.sam)
    assert not AuditEvent.objects.filter(action="person.export").exists()


def test_positions_are_kept_by_those_who_may_change_the_organisation_and_the_person(world, people):
    # Changed with issue #7 (finding 4): sam is outside olga's scope, so she may not seat him in her
    # organisation (that would open his record to her); pat, of her organisation, she may.
    with pytest.raises(PermissionDenied):
        services.position_create(actor=world.olga, person=people.sam, organisation=world.org, title="Coach")
    position = services.position_create(actor=world.olga, person=people.pat, organisation=world.org, title="Coach")
    services.position_update(actor=world.olga, position=position, end_date=position.person.created_at.date())
    with pytest.raises(PermissionDenied):
        services.position_create(actor=world.olga, person=people.sam, organisation=world.other_org, title="X")
    with pytest.raises(ValidationError) as exc:
        services.position_update(actor=world.alice, position=position, start_date="2030-01-01", end_date="2029-01-01")
    assert "cannot end before it starts" in str(exc.value)


def test_a_position_for_an_invisible_person_is_refused_as_if_missing(world, people):
    with pytest.raises(ValidationError) as exc:
        services.position_create(actor=world.olga, person=people.hugo, organisation=world.org, title="X")
    assert "person" in exc.value.error_dict
    assert not people.hugo.positions.exists()


# --- Pages -------------------------------------------------------------------------------------


def test_person_page_shows_contact_details_only_to_those_with_a_need(client_for, world, people):
    url = reverse("stakeholders:person-detail", args=[people.pat.pk])
    for persona in ("alice", "olga", "mona", "admin"):
        page = client_for(getattr(world, persona)).get(url)
        assert "pat.private@example.org" in page.text, persona
        assert "Download what is held about this person" in page.text
    for persona in ("bob", "charlie"):
        page = client_for(getattr(world, persona)).get(url)
        assert page.status_code == 200
        assert "pat.private@example.org" not in page.text
        assert "7946" not in page.text
        assert "Download what is held" not in page.text


def test_person_page_is_404_for_an_outsider_when_the_person_has_no_public_position(client_for, world, people):
    hugo = reverse("stakeholders:person-detail", args=[people.hugo.pk])
    assert client_for(world.charlie).get(hugo).status_code == 404
    assert client_for(world.charlie).get(reverse("stakeholders:person-detail", args=[99999])).status_code == 404
    assert client_for(world.alice).get(reverse("stakeholders:person-detail", args=[people.hugo.pk])).status_code == 200


def test_people_list_never_shows_contact_details(client_for, world, people):
    for persona in ("alice", "charlie"):
        page = client_for(getattr(world, persona)).get(reverse("stakeholders:person-list"))
        assert "Pat Okafor" in page.text
        assert "pat.private@example.org" not in page.text
        assert "sam.private@example.org" not in page.text


def test_people_list_htmx_returns_the_table_only(client_for, world, people):
    page = client_for(world.charlie).get(reverse("stakeholders:person-list"), {"q": "okafor"}, HTTP_HX_REQUEST="true")
    assert "<html" not in page.text
    assert "Pat Okafor" in page.text
    assert "Sam Southwell" not in page.text


def test_data_download_page(client_for, world, people):
    url = reverse("stakeholders:person-data", args=[people.pat.pk])
    response = client_for(world.mona).post(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["person"]["phone"] == "+44 20 7946 0001"
    assert client_for(world.bob).post(url).status_code == 403  # may see the person, not their data
    assert client_for(world.charlie).post(reverse("stakeholders:person-data", args=[people.hugo.pk])).status_code == 404
    assert client_for(world.mona).get(url).status_code == 405


def test_register_a_person_through_the_form(client_for, world):
    response = client_for(world.alice).post(
        reverse("stakeholders:person-create"),
        {
            "full_name": "Dana Dialogue",
            "jurisdiction": world.city.pk,
            "email": "dana@example.org",
            "contact_consent_date": "2026-01-10",
            "organisation": world.org.pk,
            "title": "Facilitator",
        },
    )
    person = Person.objects.get(full_name="Dana Dialogue")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert person.contact_consent_at is not None
    assert person.positions.get().title == "Facilitator"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": ""}, "This field is required"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"email": "x@example.org", "contact_consent_date": ""}, "consented"),
        ({"contact_consent_date": "2999-01-01"}, "cannot be in the future"),
        ({"organisation": "99999"}, "Select a valid choice"),
        ({"organisation": "__org__", "title": ""}, "Give the title of the position"),
    ],
)
def test_person_form_bad_input_gives_a_clear_error_and_saves_nothing(client_for, world, data, message):
    if data.get("organisation") == "__org__":
        data = {**data, "organisation": world.org.pk}
    payload = {"full_name": "Someone", "jurisdiction": world.city.pk, **data}
    before = Person.objects.count()
    response = client_for(world.alice).post(reverse("stakeholders:person-create"), payload)
    assert response.status_code == 200
    assert message in response.text
    assert Person.objects.count() == before


def test_edit_page_is_403_for_a_viewer_and_404_for_an_outsider(client_for, world, people):
    assert client_for(world.bob).get(reverse("stakeholders:person-update", args=[people.pat.pk])).status_code == 403
    hugo = reverse("stakeholders:person-update", args=[people.hugo.pk])
    assert client_for(world.charlie).get(hugo).status_code == 404
    assert client_for(world.olga).get(reverse("stakeholders:person-update", args=[people.pat.pk])).status_code == 200


def test_editing_through_the_page_is_audited_with_the_change(client_for, world, people):
    response = client_for(world.alice).post(
        reverse("stakeholders:person-update", args=[people.pat.pk]),
        {
            "full_name": "Pat Okafor-Jones",
            "jurisdiction": world.city.pk,
            "email": "pat.private@example.org",
            "expertise": "Youth mentoring",
            "languages": "English, Igbo",
            "phone": "+44 20 7946 0001",
            "contact_consent_date": people.pat.contact_consent_at.date().isoformat(),
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="person.update", target_id=str(people.pat.pk))
    assert event.changes == {"full_name": ["Pat Okafor", "Pat Okafor-Jones"]}


def test_organisation_page_lists_its_people(client_for, world, people):
    page = client_for(world.charlie).get(reverse("stakeholders:organisation-detail", args=[world.org.pk]))
    assert "Pat Okafor" in page.text
    assert "Fiona Former" not in page.text  # ended positions are not public
    assert "pat.private@example.org" not in page.text
    assert (
        "Fiona Former"
        in client_for(world.alice).get(reverse("stakeholders:organisation-detail", args=[world.org.pk])).text
    )


def test_add_position_page(client_for, world, people):
    url = reverse("stakeholders:position-create", args=[people.hugo.pk])
    assert client_for(world.olga).get(url).status_code == 404  # hugo is not (yet) one of her organisation's people
    assert client_for(world.charlie).get(url).status_code == 404
    response = client_for(world.alice).post(url, {"organisation": world.org.pk, "title": "Coach"})
    assert response.status_code == 302
    assert people.hugo.positions.get().title == "Coach"
    assert client_for(world.olga).get(url).status_code == 200  # now he is
    assert client_for(world.charlie).get(url).status_code == 403  # now public, but not his to change
    hugo_position = people.hugo.positions.get()
    assert client_for(world.bob).get(url).status_code == 403
    assert (
        client_for(world.bob).get(reverse("stakeholders:position-update", args=[hugo_position.pk])).status_code == 403
    )


# --- API ---------------------------------------------------------------------------------------


def test_api_people_hides_contact_details_without_a_need(api_for, world, people):
    rows = {p["full_name"]: p for p in api_for(world.charlie).get(PEOPLE).json()["results"]}
    assert set(rows) == {"Pat Okafor", "Sam Southwell"}
    assert rows["Pat Okafor"]["email"] is None
    assert rows["Pat Okafor"]["phone"] is None
    assert rows["Pat Okafor"]["user"] is None
    assert rows["Pat Okafor"]["positions"][0]["title"] == "Youth worker"
    alice_rows = {p["full_name"]: p for p in api_for(world.alice).get(PEOPLE).json()["results"]}
    assert alice_rows["Pat Okafor"]["email"] == "pat.private@example.org"
    assert alice_rows["Sam Southwell"]["email"] is None
    assert "Hugo Hidden" in alice_rows


def test_api_person_detail_three_personas(api_for, world, people):
    url = f"{PEOPLE}{people.pat.pk}/"
    assert api_for(world.alice).patch(url, {"pronouns": "she/her"}, format="json").status_code == 200
    assert api_for(world.bob).get(url).status_code == 200
    assert api_for(world.bob).patch(url, {"pronouns": "x"}, format="json").status_code == 403
    assert api_for(world.charlie).get(f"{PEOPLE}{people.hugo.pk}/").status_code == 404
    assert (
        api_for(world.charlie).patch(f"{PEOPLE}{people.hugo.pk}/", {"pronouns": "x"}, format="json").status_code == 404
    )
    people.pat.refresh_from_db()
    assert people.pat.pronouns == "she/her"


def test_api_search_never_matches_contact_details(api_for, world, people):
    assert api_for(world.charlie).get(PEOPLE, {"q": "pat.private"}).json()["results"] == []
    assert len(api_for(world.charlie).get(PEOPLE, {"q": "okafor"}).json()["results"]) == 1
    assert len(api_for(world.charlie).get(PEOPLE, {"organisation": world.org.pk}).json()["results"]) == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"email": "bad"}, "email"),
        ({"email": "ok@example.org"}, "contact_consent_at"),
        ({"jurisdiction": "other"}, "jurisdiction"),
        ({"organisation": 99999, "title": "X"}, "organisation"),
    ],
)
def test_api_bad_input_is_400_with_field_messages(api_for, world, payload, field):
    if payload.get("jurisdiction") == "other":
        payload = {"jurisdiction": world.other_district.pk}
    before = Person.objects.count()
    response = api_for(world.alice).post(
        PEOPLE, {"full_name": "New", "jurisdiction": world.city.pk, **payload}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert Person.objects.count() == before


def test_api_create_with_position_and_read_back(api_for, world):
    response = api_for(world.olga).post(
        PEOPLE, {"full_name": "Api Person", "organisation": world.org.pk, "title": "Coach"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["positions"][0]["organisation"] == world.org.pk
    assert response.json()["contact_visible"] is True


def test_api_positions(api_for, world, people):
    c = api_for(world.olga)
    assert (
        c.post(
            "/api/v1/positions/", {"person": people.hugo.pk, "organisation": world.org.pk, "title": "X"}, format="json"
        ).status_code
        == 400
    )  # hugo: invisible to her
    response = c.post(
        "/api/v1/positions/",
        {"person": people.pat.pk, "organisation": world.org.pk, "title": "Coach", "start_date": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    url = f"/api/v1/positions/{response.json()['id']}/"
    assert c.patch(url, {"end_date": "2024-01-01"}, format="json").status_code == 400
    assert c.patch(url, {"end_date": "2026-01-01"}, format="json").status_code == 200
    assert api_for(world.bob).patch(url, {"title": "X"}, format="json").status_code == 403
    other = PositionFactory(person=people.hugo, organisation=world.org, title="Old", end_date="2020-01-01")
    assert api_for(world.charlie).get(f"/api/v1/positions/{other.pk}/").status_code == 404
    assert (
        c.post(
            "/api/v1/positions/",
            {"person": people.sam.pk, "organisation": world.other_org.pk, "title": "X"},
            format="json",
        ).status_code
        == 403
    )

"""Giving and taking away access: roles over a jurisdiction, membership of an organisation."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditEvent, User
from stakeholders.models import JurisdictionRole, OrganisationMembership

pytestmark = pytest.mark.django_db


def _access(world):  # type: ignore[no-untyped-def]
    return reverse("stakeholders:jurisdiction-access", args=[world.city.pk])


def test_coordinator_invites_a_new_coordinator_who_sets_a_password_and_signs_in(
    client_for, client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.alice).post(
            _access(world),
            {
                "email": "Nadia@Example.org",
                "full_name": "Nadia Islam",
                "role": "coordinator",
                "reason": "New ward coordinator",
            },
        )
    assert response.status_code == 302
    nadia = User.objects.get(email="nadia@example.org")
    assert not nadia.has_usable_password()
    assert JurisdictionRole.objects.filter(user=nadia, jurisdiction=world.city, role="coordinator").exists()
    event = AuditEvent.objects.get(action="role.grant", target_id=str(nadia.pk))
    assert event.actor == world.alice and event.reason == "New ward coordinator"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    action = page.redirect_chain[-1][0] if page.redirect_chain else link
    assert (
        client.post(action, {"password1": "nadia-chooses-this-1", "password2": "nadia-chooses-this-1"}).status_code
        == 302
    )
    assert (
        client.post("/accounts/login/", {"login": "nadia@example.org", "password": "nadia-chooses-this-1"}).status_code
        == 302
    )


def test_an_existing_account_gets_the_role_without_a_new_invitation(
    client_for, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.alice).post(
            _access(world), {"email": "charlie@example.org", "role": "liaison", "reason": "Reads for the ministry"}
        )
    assert JurisdictionRole.objects.filter(user=world.charlie, jurisdiction=world.city, role="liaison").exists()
    assert mail.outbox == []


def test_access_page_three_personas(client_for, world):
    assert client_for(world.alice).get(_access(world)).status_code == 200
    assert client_for(world.bob).get(_access(world)).status_code == 403  # sees the jurisdiction, manages nothing
    assert client_for(world.charlie).get(_access(world)).status_code == 403
    other = reverse("stakeholders:jurisdiction-access", args=[world.other_district.pk])
    assert client_for(world.alice).get(other).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"reason": ""}, "This field is required"),
        ({"role": "emperor"}, "Select a valid choice"),
    ],
)
def test_bad_input_gives_a_message_and_changes_nothing(client_for, world, data, message):
    before = JurisdictionRole.objects.count(), User.objects.count()
    payload = {"email": "new@example.org", "role": "coordinator", "reason": "x", **data}
    response = client_for(world.alice).post(_access(world), payload)
    assert response.status_code == 200
    assert message in response.text
    assert (JurisdictionRole.objects.count(), User.objects.count()) == before


def test_revoke_needs_a_reason_and_is_audited(client_for, world):
    role = JurisdictionRole.objects.create(user=world.charlie, jurisdiction=world.city, role="liaison")
    url = reverse("stakeholders:jurisdiction-role-revoke", args=[world.city.pk, role.pk])
    client_for(world.alice).post(url, {"reason": ""})
    assert JurisdictionRole.objects.filter(pk=role.pk).exists()
    assert client_for(world.bob).post(url, {"reason": "x"}).status_code == 404
    client_for(world.alice).post(url, {"reason": "Moved on"})
    assert not JurisdictionRole.objects.filter(pk=role.pk).exists()
    assert AuditEvent.objects.get(action="role.revoke").reason == "Moved on"


def test_organisation_admin_adds_and_removes_members(client_for, world, django_capture_on_commit_callbacks):
    url = reverse("stakeholders:organisation-people", args=[world.org.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.olga).post(
            url, {"email": "volunteer@example.org", "role": "member", "reason": "New volunteer"}
        )
    membership = OrganisationMembership.objects.get(user__email="volunteer@example.org")
    assert membership.organisation == world.org
    assert len(mail.outbox) == 1
    page = client_for(world.olga).get(url)
    assert "volunteer@example.org" in page.text
    assert client_for(world.mona).get(url).status_code == 403
    assert client_for(world.charlie).get(url).status_code == 403
    remove = reverse("stakeholders:organisation-member-remove", args=[world.org.pk, membership.pk])
    assert client_for(world.charlie).post(remove, {"reason": "x"}).status_code == 404
    client_for(world.olga).post(remove, {"reason": "Left"})
    assert not OrganisationMembership.objects.filter(pk=membership.pk).exists()


def test_the_invited_persons_new_role_takes_effect(client_for, world, django_capture_on_commit_callbacks):
    url = reverse("stakeholders:organisation-people", args=[world.org.pk])
    client_for(world.olga).post(url, {"email": "charlie@example.org", "role": "admin", "reason": "Co-admin"})
    edit = reverse("stakeholders:organisation-update", args=[world.org.pk])
    assert client_for(world.charlie).get(edit).status_code == 200


@pytest.mark.parametrize("rows", [2, 20])
def test_access_page_query_budget(client_for, world, django_assert_max_num_queries, rows):
    from tests.factories import JurisdictionRoleFactory

    JurisdictionRoleFactory.create_batch(rows, jurisdiction=world.city, role="liaison")
    c = client_for(world.alice)
    with django_assert_max_num_queries(12):
        assert c.get(_access(world)).status_code == 200


def test_detail_pages_link_to_access_management_only_for_those_who_manage(client_for, world):
    org_page = reverse("stakeholders:organisation-detail", args=[world.org.pk])
    people = reverse("stakeholders:organisation-people", args=[world.org.pk])
    assert people in client_for(world.olga).get(org_page).text
    assert people not in client_for(world.mona).get(org_page).text
    place = reverse("stakeholders:jurisdiction-detail", args=[world.city.pk])
    assert _access(world) in client_for(world.alice).get(place).text
    assert _access(world) not in client_for(world.bob).get(place).text


def test_a_new_account_starts_in_the_zone_of_the_place_it_is_given(client_for, world):
    """Times are shown to each reader in their own zone: a coordinator invited for a district in
    UTC+6 starts there (inherited from the jurisdiction above), not in the site's zone."""
    world.city.time_zone = "Asia/Dhaka"
    world.city.save()
    response = client_for(world.alice).post(
        _access(world),
        {"email": "rahim@example.org", "full_name": "Rahim", "role": "coordinator", "reason": "Ward coordinator"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="rahim@example.org").time_zone == "Asia/Dhaka"
    world.city.time_zone = ""
    world.city.save()
    client_for(world.alice).post(
        _access(world),
        {"email": "site@example.org", "full_name": "Site", "role": "coordinator", "reason": "Ward coordinator"},
    )
    assert User.objects.get(email="site@example.org").time_zone == ""  # follows the site's zone

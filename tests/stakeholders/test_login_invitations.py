"""Linking a login to a person record: invited from the person's page, accepted by the holder of the
e-mail address on record (issue #11 item 11; a login link is a grant, issue #7 finding 1)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditEvent, User
from stakeholders.models import LoginLinkInvitation, Person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, person, capture) -> str:  # type: ignore[no-untyped-def]
    """Send the invitation from the person's page and return the link in the e-mail."""
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(reverse("stakeholders:person-login-invite", args=[person.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [person.email]
    link = re.search(r"https?://\S+/people/link-login/\S+/", message.body)
    assert link is not None
    return link.group(0).split("testserver", 1)[-1]


def test_the_person_page_offers_the_invitation_to_those_who_may_change_the_record(client_for, world, people):
    people.fiona.positions.update(end_date=None)  # fiona: in olga's organisation again, no login
    url = reverse("stakeholders:person-detail", args=[people.fiona.pk])
    assert "Invite this person to link a login" in client_for(world.olga).get(url).text
    assert "Invite this person to link a login" not in client_for(world.mona).get(url).text
    pat_page = client_for(world.alice).get(reverse("stakeholders:person-detail", args=[people.pat.pk]))
    assert "Invite this person to link a login" not in pat_page.text  # already linked


def test_an_existing_account_holder_signs_in_and_links_their_login(
    client_for, world, people, django_capture_on_commit_callbacks
):
    holder = UserFactory(email="fiona.private@example.org")
    link = _invite(client_for(world.alice), people.fiona, django_capture_on_commit_callbacks)
    assert not Person.objects.get(pk=people.fiona.pk).user_id  # nothing linked by the invitation itself

    # Someone else signed in cannot accept it.
    other = client_for(world.charlie)
    assert "another e-mail address" in other.get(link).text
    other.post(link)
    assert not Person.objects.get(pk=people.fiona.pk).user_id

    holder_client = client_for(holder)
    assert holder_client.get(link).status_code == 200
    response = holder_client.post(link)
    assert response.status_code == 302
    assert Person.objects.get(pk=people.fiona.pk).user == holder
    event = AuditEvent.objects.get(action="person.login_link", target_id=str(people.fiona.pk))
    assert event.actor == holder
    assert holder_client.get(link).status_code == 404  # used once


def test_a_holder_without_an_account_opens_one_with_the_invited_address(
    client, client_for, world, people, django_capture_on_commit_callbacks
):
    link = _invite(client_for(world.alice), people.fiona, django_capture_on_commit_callbacks)
    page = client.get(link)
    assert page.status_code == 200 and "choose a password" in page.text
    weak = client.post(link, {"password": "short", "password_again": "short"})
    assert weak.status_code == 200 and not User.objects.filter(email="fiona.private@example.org").exists()
    response = client.post(link, {"password": "a long enough secret 42", "password_again": "a long enough secret 42"})
    assert response.status_code == 302
    opened = User.objects.get(email="fiona.private@example.org")
    assert opened.check_password("a long enough secret 42")
    assert Person.objects.get(pk=people.fiona.pk).user == opened


def test_an_invitation_dies_when_the_record_changes_address_or_a_new_one_is_sent(
    client, client_for, world, people, django_capture_on_commit_callbacks
):
    alice = client_for(world.alice)
    first = _invite(alice, people.fiona, django_capture_on_commit_callbacks)
    second = _invite(alice, people.fiona, django_capture_on_commit_callbacks)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    Person.objects.filter(pk=people.fiona.pk).update(email="someone.else@example.org")
    assert client.get(second).status_code == 404


def test_only_those_who_may_change_the_record_invite(client_for, world, people):
    assert (
        client_for(world.mona).post(reverse("stakeholders:person-login-invite", args=[people.fiona.pk])).status_code
        == 403
    )
    assert (
        client_for(world.charlie).post(reverse("stakeholders:person-login-invite", args=[people.hugo.pk])).status_code
        == 404
    )
    assert not LoginLinkInvitation.objects.exists()


def test_an_unknown_link_is_404(client):
    assert client.get(reverse("stakeholders:login-link-accept", args=["nonsense"])).status_code == 404

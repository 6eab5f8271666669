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
from core.permissions import forget
from tests.coordination.factories import CommitteeFactory
from tests.factories import UserFactory
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


# --- High 2: re-linking an attendee's person record to one's own login -------------------------


def _can_read(client, meeting) -> bool:  # type: ignore[no-untyped-def]
    return SECRET_MINUTES in client.get(meeting.get_absolute_url()).text


def test_relinking_an_attendees_record_to_ones_own_login_opens_no_minutes(client_for, api_for, safe):
    """Alice (the coordinator) was not at the safe-space meeting that Sam attended. She points Sam's
    person record at her own login: attendance counts for the login Sam had when it was recorded.
    (The registry refuses the re-link itself; this holds even where a re-link happens.)"""
    assert not _can_read(client_for(safe.alice), safe.meeting)
    safe.sam_person.user = safe.alice
    safe.sam_person.save()
    assert not _can_read(client_for(safe.alice), safe.meeting)
    items = api_for(safe.alice).get(f"/api/v1/meetings/{safe.meeting.pk}/agenda-items/").json()
    assert all(i["minutes"] is None for i in items)
    assert api_for(safe.alice).get(f"/api/v1/meetings/{safe.meeting.pk}/decisions/").json() == []
    # and re-recording the attendance for the re-linked record is recording her own: refused
    response = api_for(safe.alice).post(
        f"/api/v1/meetings/{safe.meeting.pk}/attendance/",
        [{"person": safe.sam_person.pk, "status": "present"}],
        format="json",
    )
    assert response.status_code == 400
    assert not _can_read(client_for(safe.alice), safe.meeting)


def test_relinking_through_the_api_is_refused_and_the_minutes_stay_closed(client_for, api_for, safe):
    """Both defences together: the registry refuses the re-link (only a platform admin sets a login
    on someone else's record), and coordination would not count it anyway."""
    response = api_for(safe.alice).patch(
        f"/api/v1/people/{safe.sam_person.pk}/", {"user": safe.alice.pk}, format="json"
    )
    assert response.status_code in (400, 403, 404)
    safe.sam_person.refresh_from_db()
    assert safe.sam_person.user_id == safe.sam.pk
    assert not _can_read(client_for(safe.alice), safe.meeting)
    assert _can_read(client_for(safe.sam), safe.meeting)


# --- High 3: managers record themselves present after the fact --------------------------------


@pytest.mark.parametrize("who", ["alice", "admin"])
def test_a_manager_cannot_record_themself_present_after_the_meeting(client_for, api_for, safe, who):
    """Create a person for oneself, invite it as a guest, POST attendance as present: the
    confidential minutes and decisions opened (platform admins included: "No role overrides it")."""
    from tests.factories import PersonFactory

    user = getattr(safe, who)
    me = PersonFactory(full_name="Myself", user=user, jurisdiction=safe.city)
    api = api_for(user)
    invited = api.post(
        f"/api/v1/meetings/{safe.meeting.pk}/invitations/", {"person": me.pk, "kind": "guest"}, format="json"
    )
    assert invited.status_code == 201
    present = api.post(
        f"/api/v1/meetings/{safe.meeting.pk}/attendance/", [{"person": me.pk, "status": "present"}], format="json"
    )
    assert present.status_code == 400 and "another manager" in str(present.json())
    assert not _can_read(client_for(user), safe.meeting)
    assert api.get(f"/api/v1/meetings/{safe.meeting.pk}/decisions/").json() == []


def test_a_guest_invited_after_the_meeting_started_gains_no_minutes_even_recorded_by_another(client_for, safe):
    """Alice invites herself after the meeting; Sam (who attended) records her present: an invitation
    made once the meeting was under way does not open a safe space."""
    from tests.factories import PersonFactory

    me = PersonFactory(full_name="Alice Coordinator", user=safe.alice, jurisdiction=safe.city)
    services.invitation_add(actor=safe.alice, meeting=safe.meeting, person=me, kind="guest")
    services.attendance_record(actor=safe.sam, meeting=safe.meeting, entries=[{"person": me, "status": "present"}])
    assert not _can_read(client_for(safe.alice), safe.meeting)


def test_attendance_recorded_by_another_for_an_invitee_opens_the_minutes(client_for, safe):
    """The rule still lets a real attendee in: Mike was invited in time and the secretary records him."""
    assert not _can_read(client_for(safe.mike), safe.meeting)
    services.attendance_record(
        actor=safe.sam, meeting=safe.meeting, entries=[{"person": safe.mike_person, "status": "present"}]
    )
    assert _can_read(client_for(safe.mike), safe.meeting)


def test_a_coordinator_absent_from_the_meeting_cannot_post_her_own_attendance(api_for, safe):
    """A coordinator who was invited but absent needed only the attendance POST."""
    from coordination.models import Invitation
    from tests.factories import PersonFactory

    me = PersonFactory(full_name="Alice Coordinator", user=safe.alice, jurisdiction=safe.city)
    Invitation.objects.create(meeting=safe.meeting, person=me)  # invited before the meeting
    response = api_for(safe.alice).post(
        f"/api/v1/meetings/{safe.meeting.pk}/attendance/", [{"person": me.pk, "status": "present"}], format="json"
    )
    assert response.status_code == 400
    stand_in = api_for(safe.alice).post(
        f"/api/v1/meetings/{safe.meeting.pk}/attendance/",
        [{"person": safe.carol_person.pk, "status": "represented", "represented_by": me.pk}],
        format="json",
    )
    assert stand_in.status_code == 400
    assert SECRET_MINUTES not in str(
        api_for(safe.alice).get(f"/api/v1/meetings/{safe.meeting.pk}/agenda-items/").json()
    )


# --- Medium 6: seating someone to read their contact details ---------------------------------


def test_a_chair_cannot_seat_someone_to_read_their_contact_details(api_for, cw):
    """Carol chairs the committee and has no role in the registry. Nadia is in the public directory
    (name and position only). Seating her made her a "fellow member", so her e-mail opened."""
    from tests.coordination.factories import directory_person

    nadia = directory_person(cw.other_org, full_name="Nadia New", email="nadia.private@example.org")
    c = api_for(cw.carol)
    assert "nadia.private@example.org" not in str(c.get(f"/api/v1/people/{nadia.pk}/").json())
    seated = c.post(f"{COMMITTEES}{cw.committee.pk}/members/", {"person": nadia.pk}, format="json")
    assert seated.status_code == 201  # chairs still seat people from the directory...
    # ...but the seat does not hand her contact details to the chair or the members
    for user in (cw.carol, cw.mike):
        assert "nadia.private@example.org" not in str(api_for(user).get(f"/api/v1/people/{nadia.pk}/").json())
    # nor theirs to her (the seat shares nothing either way)
    from stakeholders.permissions import can_see_person_contact

    assert not can_see_person_contact(cw.carol, nadia)


def test_a_seat_made_by_someone_who_sees_the_contact_details_shares_them(api_for, cw):
    """Alice coordinates the district and sees the contact details of people registered there: her
    seat lets the members reach the new member, as before."""
    from stakeholders.permissions import can_see_person_contact
    from tests.coordination.factories import directory_person

    nadia = directory_person(cw.org, full_name="Nadia New", email="nadia@example.org", jurisdiction=cw.city)
    assert not can_see_person_contact(cw.mike, nadia)
    services.membership_add(actor=cw.alice, committee=cw.committee, person=nadia)
    assert can_see_person_contact(cw.mike, nadia)


# --- Medium 7: attendance errors named any person --------------------------------------------


def test_attendance_errors_name_nobody_and_answer_alike_for_hidden_and_missing_people(api_for, cw):
    from tests.factories import PersonFactory

    meeting = services.meeting_schedule(
        actor=cw.carol,
        committee=cw.committee,
        title="Monthly",
        starts_at=timezone.now() + timedelta(days=7),
        ends_at=timezone.now() + timedelta(days=7, hours=2),
    )
    hidden = PersonFactory(full_name="Zed Hiddenname", jurisdiction=cw.other_district)
    url = f"/api/v1/meetings/{meeting.pk}/attendance/"
    c = api_for(cw.sam)
    invisible = c.post(url, [{"person": hidden.pk, "status": "present"}], format="json")
    missing = c.post(url, [{"person": 999999, "status": "present"}], format="json")
    assert invisible.status_code == missing.status_code == 400
    assert "Zed" not in invisible.text and "Hiddenname" not in invisible.text
    assert invisible.text.replace(str(hidden.pk), "N") == missing.text.replace("999999", "N")
    # the service, whatever calls it, names nobody either
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=cw.sam, meeting=meeting, entries=[{"person": hidden, "status": "present"}])
    assert "Zed" not in str(exc.value)


# --- Medium 8: ex-members keep their future meetings -------------------------------------------


def test_ending_a_membership_withdraws_the_invitations_to_later_meetings(client_for, cw):
    from coordination.models import CommitteeMembership, Invitation
    from tests.coordination.factories import AgendaItemFactory

    later = services.meeting_schedule(
        actor=cw.carol,
        committee=cw.committee,
        title="After Mike leaves",
        starts_at=timezone.now() + timedelta(days=20),
        ends_at=timezone.now() + timedelta(days=20, hours=2),
    )
    sooner = services.meeting_schedule(
        actor=cw.carol,
        committee=cw.committee,
        title="Before Mike leaves",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
    )
    assert Invitation.objects.filter(meeting=later, person=cw.mike_person).exists()
    membership = CommitteeMembership.objects.get(committee=cw.committee, person=cw.mike_person)
    services.membership_end(actor=cw.carol, membership=membership, end_date=timezone.localdate() + timedelta(days=10))
    assert not Invitation.objects.filter(meeting=later, person=cw.mike_person).exists()
    assert Invitation.objects.filter(meeting=sooner, person=cw.mike_person).exists()
    AgendaItemFactory(meeting=later, title="Budget", minutes="<p>Minutes after Mike left</p>")
    from coordination import permissions

    assert not permissions.can_read_minutes(cw.mike, later)
    assert "Minutes after Mike left" not in client_for(cw.mike).get(later.get_absolute_url()).text


# --- Medium 9: new members read the minutes of meetings held before they joined ---------------


def test_a_new_member_does_not_read_the_minutes_of_meetings_before_they_joined(client_for, api_for, cw):
    from coordination import permissions
    from tests.coordination.factories import AgendaItemFactory, MeetingFactory, directory_person

    start = timezone.now() - timedelta(days=30)
    earlier = MeetingFactory(
        committee=cw.committee, status="minutes_approved", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    AgendaItemFactory(meeting=earlier, title="Old business", minutes="<p>Said before Nadia joined</p>")
    nadia_user = UserFactory(email="nadia@example.org")
    nadia = directory_person(cw.org, full_name="Nadia New", user=nadia_user, jurisdiction=cw.city)
    services.membership_add(actor=cw.alice, committee=cw.committee, person=nadia)
    assert not permissions.can_read_minutes(nadia_user, earlier)
    items = api_for(nadia_user).get(f"/api/v1/meetings/{earlier.pk}/agenda-items/")
    assert items.status_code == 200 and all(i["minutes"] is None for i in items.json())
    assert "Said before Nadia joined" not in client_for(nadia_user).get(earlier.get_absolute_url()).text
    # those who sat on the committee then still read them; so do the district's coordinator and liaison
    for user in (cw.mike, cw.alice, cw.bob, cw.admin):
        assert permissions.can_read_minutes(user, earlier), user
    # a seat dated back (a deliberate, audited grant) covers the earlier meeting
    membership = nadia.committee_memberships.get()
    membership.start_date = timezone.localdate() - timedelta(days=60)
    membership.save()
    forget(nadia_user)  # answers are cached on the user object for the request
    assert permissions.can_read_minutes(nadia_user, earlier)

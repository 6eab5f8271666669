"""Adversarial checks that sensitive data does not leak through side doors (DESIGN.md: "who may do
what"; ADR 0002, 0003, 0005, 0008). Each test names the path it guards."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from coordination import services as coordination_services
from coordination.models import Attendance, Decision
from core.models import AuditEvent, Notification
from tests.coordination.factories import CommitteeMembershipFactory, InvitationFactory, MeetingFactory
from tests.factories import OrganisationMembershipFactory, PersonFactory, PositionFactory, UserFactory
from tests.security.conftest import SECRET_DECISION, SECRET_MINUTES


def _export(client, person) -> dict:  # type: ignore[no-untyped-def]
    response = client.post(reverse("stakeholders:person-data", args=[person.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


# --- Subject access export ----------------------------------------------------------------------


def test_subject_access_export_does_not_repeat_other_apps_records_to_someone_else(client_for, safe):
    """Mona (same organisation as mike, so she may see his contact details and export his data) did
    not attend the safe-space meeting and cannot see the South committee: the export of mike's data
    must not carry the confidential decision he owns, nor the title of a meeting she cannot see."""
    south_meeting = MeetingFactory(committee=safe.south, title="South Forum closed session")
    InvitationFactory(meeting=south_meeting, person=safe.mike_person)

    body = json.dumps(_export(client_for(safe.mona), safe.mike_person))
    assert SECRET_DECISION[:40] not in body
    assert "South Forum closed session" not in body
    data = json.loads(body)
    # what exists is still listed (a data protection lead must know what is held), as model and id
    assert {"model": "coordination.Decision", "id": safe.decision.pk} in data["other_records"]["owned_decisions"]

    # the person themself reads their own records in full
    own = _export(client_for(safe.mike), safe.mike_person)
    assert "South Forum closed session" in json.dumps(own["other_records"]["meeting_invitations"])
    assert all("text" in record for record in own["other_records"]["owned_decisions"])


# --- Confidential decisions in the audit trail, notifications and the admin ---------------------


def test_confidential_decision_text_stays_out_of_audit_notifications_and_admin(client_for, committed, safe):
    """The text of a safe-space outcome reaches attendees (and its owner, on the meeting page) only:
    not the audit trail (its readable target and changes), not a notification that outlives the
    ownership, not the admin's lists, which platform admins read."""
    secret, edited = "Move the Elm Street family to a safe house", "Move the Elm Street family abroad"
    with committed():
        decision = coordination_services.decision_record(
            actor=safe.sam, item=safe.item, text=secret, kind=Decision.Kind.ACTION, owner=safe.mike_person
        )
    coordination_services.decision_update(actor=safe.sam, decision=decision, text=edited)

    for event in AuditEvent.objects.all():
        recorded = event.target_repr + json.dumps(event.changes) + event.reason
        assert "Elm Street" not in recorded, event.action
    assert AuditEvent.objects.filter(action="decision.update", changes__text="(changed)").exists()

    notification = Notification.objects.get(recipient=safe.mike)
    assert "Elm Street" not in notification.title  # a neutral title (the kind), never the text
    assert notification.url == decision.get_absolute_url()

    admin = client_for(safe.admin)
    for url in (reverse("admin:core_auditevent_changelist"), reverse("admin:core_notification_changelist")):
        page = admin.get(url)
        assert page.status_code == 200 and "Elm Street" not in page.text


# --- Ended positions through the people filters -------------------------------------------------


def test_filtering_people_by_organisation_or_place_does_not_reveal_an_ended_position(client_for, api_for, world):
    """Pat works at the Harbour Youth Forum (public) and used to work for South Police; the outsider
    sees Pat in the public directory but not that past position - nor through the filters of the
    people list and the API (``organisation``, ``jurisdiction``/``within``)."""
    pat = PersonFactory(full_name="Pat Pastposition")
    PositionFactory(person=pat, organisation=world.org)
    PositionFactory(
        person=pat,
        organisation=world.other_org,
        start_date=date(2019, 1, 1),
        end_date=date.today() - timedelta(days=400),
    )
    page = client_for(world.charlie)
    api = api_for(world.charlie)
    assert "Pat Pastposition" in page.get(reverse("stakeholders:person-list"), {"organisation": world.org.pk}).text
    assert "South Police" not in page.get(reverse("stakeholders:person-detail", args=[pat.pk])).text

    for params in ({"organisation": world.other_org.pk}, {"jurisdiction": world.other_district.pk}):
        listed = page.get(reverse("stakeholders:person-list"), params)
        assert listed.status_code == 200 and "Pat Pastposition" not in listed.text, params
        exported = page.get(reverse("stakeholders:person-export", args=["csv"]), params)
        assert "Pat Pastposition" not in b"".join(exported.streaming_content).decode(), params
    for params in ({"organisation": world.other_org.pk}, {"within": world.other_district.pk}):
        body = api.get("/api/v1/people/", params).json()
        assert [p["full_name"] for p in body["results"]] == [], params
    # whoever may see the ended position still finds Pat through it: the admin
    assert [
        p["full_name"]
        for p in api_for(world.admin).get("/api/v1/people/", {"organisation": world.other_org.pk}).json()["results"]
    ] == ["Pat Pastposition"]


# --- Stand-ins: the API's attendance cannot open a safe space to a non-invitee -----------------


def test_a_stand_in_must_be_an_invitee_so_attendance_cannot_open_confidential_minutes(client_for, api_for, safe):
    """The page offers only invitees as stand-ins; the API took any person id, and a stand-in reads
    the minutes of a confidential meeting. Bob (the liaison) is not invited."""
    bob_person = PersonFactory(full_name="Bob Liaison", user=safe.bob)
    response = api_for(safe.sam).post(
        f"/api/v1/meetings/{safe.meeting.pk}/attendance/",
        [{"person": safe.carol_person.pk, "status": "represented", "represented_by": bob_person.pk}],
        format="json",
    )
    assert response.status_code == 400 and "represented_by" in str(response.json())
    assert not Attendance.objects.filter(meeting=safe.meeting, represented_by=bob_person).exists()
    assert SECRET_MINUTES not in client_for(safe.bob).get(safe.meeting.get_absolute_url()).text
    # another invitee may stand in
    ok = api_for(safe.sam).post(
        f"/api/v1/meetings/{safe.meeting.pk}/attendance/",
        [{"person": safe.carol_person.pk, "status": "represented", "represented_by": safe.mike_person.pk}],
        format="json",
    )
    assert ok.status_code == 201


# --- Login e-mail addresses of people without a name on record -----------------------------------


def test_pages_do_not_name_a_nameless_user_by_their_login_email(client_for, cw):
    """``str(user)`` falls back to the login e-mail: the liaison (no contact details by rank alone)
    must not read it in the organisation's account list, a backlog item's proposer or the approver."""
    nameless = UserFactory(email="quiet.member@example.org", full_name="")
    OrganisationMembershipFactory(user=nameless, organisation=cw.org)
    CommitteeMembershipFactory(committee=cw.committee, person=PersonFactory(full_name="Quinn", user=nameless))
    coordination_services.agenda_item_propose(actor=nameless, committee=cw.committee, title="Youth centre hours")
    start = timezone.now() - timedelta(days=2)
    meeting = MeetingFactory(
        committee=cw.committee,
        status="minutes_approved",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        minutes_approved_at=start + timedelta(days=1),
        minutes_approved_by=nameless,
    )
    bob = client_for(cw.bob)
    for url in (cw.org.get_absolute_url(), cw.committee.get_absolute_url(), meeting.get_absolute_url()):
        page = bob.get(url)
        assert page.status_code == 200 and "quiet.member@example.org" not in page.text, url
    assert "Youth centre hours" in bob.get(cw.committee.get_absolute_url()).text

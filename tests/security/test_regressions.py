"""Paths audited and found tight; these tests keep them so (each fails if the leak appears)."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from coordination import services as coordination_services
from stakeholders import services as stakeholders_services
from stakeholders.models import ImportBatch
from tests.coordination.factories import InvitationFactory, MeetingFactory
from tests.factories import PersonFactory
from tests.security.conftest import SECRET_DECISION, SECRET_MINUTES


def test_someone_elses_import_batch_is_404_for_every_other_user_and_nothing_changes(client_for, world):
    batch = stakeholders_services.import_batch_preview(
        actor=world.alice,
        kind="organisations",
        filename="orgs.csv",
        data=b"name,kind,sector,jurisdiction\nSecret Shelter,ngo,civil-society,RU-N-HC\n",
    )
    for user in (world.admin, world.bob, world.charlie, world.olga):
        c = client_for(user)
        assert c.get(reverse("stakeholders:import-preview", args=[batch.pk])).status_code == 404
        assert c.post(reverse("stakeholders:import-preview", args=[batch.pk])).status_code == 404
        assert c.post(reverse("stakeholders:import-discard", args=[batch.pk])).status_code == 404
        assert "Secret Shelter" not in c.get(reverse("stakeholders:import")).text
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING


def test_outsider_gets_404_on_every_meeting_sub_resource_and_post_changes_nothing(api_for, client_for, safe):
    api, page = api_for(safe.charlie), client_for(safe.charlie)
    base = f"/api/v1/meetings/{safe.meeting.pk}"
    for path in ("/", "/agenda-items/", "/invitations/", "/attendance/", "/decisions/"):
        assert api.get(base + path).status_code == 404, path
    assert api.get(f"/api/v1/committees/{safe.committee.pk}/members/").status_code == 404
    assert api.post(base + "/approve-minutes/").status_code == 404
    assert api.post(base + "/cancel/").status_code == 404
    for name in ("minutes-approve", "meeting-cancel", "meeting-invite"):
        assert page.post(reverse(f"coordination:{name}", args=[safe.meeting.pk])).status_code == 404, name
    assert (
        page.post(reverse("coordination:agenda-item-move", args=[safe.item.pk]), {"direction": "up"}).status_code == 404
    )
    assert page.get(reverse("coordination:decision-edit", args=[safe.decision.pk])).status_code == 404
    safe.meeting.refresh_from_db()
    assert safe.meeting.status == "minutes_drafted"


def test_confidential_outcomes_reach_attendees_only_through_api_and_print(api_for, client_for, safe):
    for user in (safe.bob, safe.alice, safe.carol, safe.admin):
        decisions = api_for(user).get(f"/api/v1/meetings/{safe.meeting.pk}/decisions/").json()
        assert decisions == []
        items = api_for(user).get(f"/api/v1/meetings/{safe.meeting.pk}/agenda-items/").json()
        assert all(i["minutes"] is None for i in items)
        printed = client_for(user).get(reverse("coordination:meeting-print", args=[safe.meeting.pk])).text
        assert SECRET_MINUTES not in printed and SECRET_DECISION not in printed
    sam = api_for(safe.sam).get(f"/api/v1/meetings/{safe.meeting.pk}/decisions/").json()
    assert [d["text"] for d in sam] == [SECRET_DECISION]


def test_invitation_emails_and_ics_name_the_addressee_only(committed, cw):
    meeting = MeetingFactory(committee=cw.committee, title="Quarterly review")
    for person in (cw.carol_person, cw.sam_person):
        InvitationFactory(meeting=meeting, person=person)
    guest = PersonFactory(full_name="Gil Guest", email="gil.private@example.org", jurisdiction=cw.city)
    with committed():
        coordination_services.invitation_add(actor=cw.alice, meeting=meeting, person=guest)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        (address,) = message.to
        whole = message.subject + "".join(
            (part.get_payload(decode=True) or b"").decode()
            for part in message.message().walk()
            if not part.is_multipart()
        )
        others = {"carol@example.org", "sam@example.org", "gil.private@example.org"} - {address}
        assert not any(other in whole for other in others), address
        assert "ATTENDEE" in whole and address in whole

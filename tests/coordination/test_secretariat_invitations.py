"""Agenda and invitations as a secretariat sends them: a draft, a preview, one publication, one
update per later change, absolute links, the recipient's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.models import Invitation, Meeting


def _draft(cw, *, days: int = 7, **extra):  # type: ignore[no-untyped-def]
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    return services.meeting_schedule(
        actor=cw.sam,
        committee=cw.committee,
        title="Monthly meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        **extra,
    )


def _ics(message) -> str:  # type: ignore[no-untyped-def]
    part = next(p for p in message.message().walk() if p.get_content_type() == "text/calendar")
    return str(part.get_payload(decode=True).decode()).replace("\r\n ", "")  # unfolded


def test_a_new_meeting_is_a_draft_and_sends_nothing_until_published(cw, committed):
    with committed():
        meeting = _draft(cw)
        services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Youth outreach")
        services.agenda_item_add(actor=cw.sam, meeting=meeting, title="School safety")
    assert meeting.is_draft and meeting.invitations.count() == 4
    assert mail.outbox == []
    with committed():
        services.meeting_publish(actor=cw.sam, meeting=meeting)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "carol@example.org",
        "mike@example.org",
        "olly@example.org",
        "sam@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject == "Invitation: Monthly meeting"
    assert "1. Youth outreach" in message.body and "2. School safety" in message.body
    assert f"http://testserver.example/coordination/meetings/{meeting.pk}/" in message.body
    ics = _ics(message)
    assert "METHOD:REQUEST" in ics and "SEQUENCE:0" in ics and "Youth outreach" in ics
    assert set(Invitation.objects.filter(meeting=meeting).values_list("sent_sequence", flat=True)) == {0}


@pytest.fixture(autouse=True)
def _site_url(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = "http://testserver.example"


def test_an_agenda_change_after_publishing_sends_one_update_each_with_the_next_sequence(cw, committed):
    meeting = _draft(cw)
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Youth outreach")
    with committed():
        services.meeting_publish(actor=cw.sam, meeting=meeting)
    mail.outbox.clear()
    with committed():
        services.agenda_item_update(actor=cw.sam, item=item, title="Youth outreach and sport")
    assert len(mail.outbox) == 4 and len({m.to[0] for m in mail.outbox}) == 4
    message = mail.outbox[0]
    assert message.subject == "Updated: Monthly meeting"
    ics = _ics(message)
    assert "METHOD:REQUEST" in ics and "SEQUENCE:1" in ics and "Youth outreach and sport" in ics
    assert f"UID:{meeting.uid}@" in ics
    mail.outbox.clear()
    with committed():
        services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Any other business")
    assert len(mail.outbox) == 4 and "SEQUENCE:2" in _ics(mail.outbox[0])


def test_changes_to_a_draft_send_nothing_and_a_second_publication_is_refused(cw, committed):
    meeting = _draft(cw)
    with committed():
        item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Draft item")
        services.agenda_item_update(actor=cw.sam, item=item, title="Draft item, renamed")
        services.meeting_update(actor=cw.sam, meeting=meeting, location="Town hall")
    assert mail.outbox == []
    services.meeting_publish(actor=cw.sam, meeting=meeting)
    with pytest.raises(ValidationError, match="already published"):
        services.meeting_publish(actor=cw.sam, meeting=meeting)
    with pytest.raises(PermissionDenied):
        services.meeting_publish(actor=cw.mike, meeting=_draft(cw, days=9))


def test_a_series_occurrence_sends_the_series_first_and_its_own_agenda_later(cw, committed):
    first = _draft(cw, recurrence="FREQ=MONTHLY;COUNT=3")
    with committed():
        services.meeting_publish(actor=cw.sam, meeting=first)
    assert len(mail.outbox) == 4 and "RRULE:FREQ=MONTHLY;COUNT=3" in _ics(mail.outbox[0])
    second = first.series.meetings.order_by("starts_at")[1]
    services.agenda_item_add(actor=cw.sam, meeting=second, title="Budget")
    mail.outbox.clear()
    with committed():
        services.meeting_publish(actor=cw.sam, meeting=second)
    assert len(mail.outbox) == 4
    ics = _ics(mail.outbox[0])
    assert "RRULE" not in ics and "RECURRENCE-ID" in ics and f"UID:{first.series.uid}@" in ics
    assert "Budget" in ics and "1. Budget" in mail.outbox[0].body


def test_each_invitee_reads_the_invitation_in_their_language(cw, committed):
    cw.mike_person.languages = "Arabic, English"
    cw.mike_person.save()
    meeting = _draft(cw)
    with committed():
        services.meeting_publish(actor=cw.sam, meeting=meeting)
    by_address = {m.to[0]: m for m in mail.outbox}
    arabic = by_address["mike@example.org"]
    assert arabic.subject == "دعوة: Monthly meeting"
    assert arabic.extra_headers["Content-Language"] == "ar"
    assert "عزيزي/عزيزتي Mike Member،" in arabic.body  # "Dear %(name)s," from the Arabic catalogue
    assert by_address["carol@example.org"].subject == "Invitation: Monthly meeting"


def test_the_publish_page_previews_the_message_then_sends(cw, client_for, django_capture_on_commit_callbacks):
    meeting = _draft(cw)
    services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Youth outreach")
    url = reverse("coordination:meeting-publish", args=[meeting.pk])
    detail = client_for(cw.sam).get(meeting.get_absolute_url()).content.decode()
    assert "Publish agenda and send invitations" in detail and "draft: invitations not sent" in detail
    page = client_for(cw.sam).get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Invitation: Monthly meeting" in body and "Youth outreach" in body
    assert f"http://testserver.example/coordination/meetings/{meeting.pk}/" in body
    assert mail.outbox == []
    assert client_for(cw.charlie).get(url).status_code == 404
    assert client_for(cw.mike).get(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cw.sam).post(url)
    assert response.status_code == 302
    assert len(mail.outbox) == 4
    assert Meeting.objects.get(pk=meeting.pk).published_at is not None

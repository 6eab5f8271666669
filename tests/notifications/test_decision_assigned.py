"""A decision's owner hears of it through the one mechanism: their preferences, a neutral message
for a confidential meeting, once per owner, an absolute link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coordination import services
from coordination.models import Meeting
from core.models import Delivery, Frequency, Notification, NotificationPreference
from tests.coordination.test_services import _held, _schedule

pytestmark = pytest.mark.django_db

KIND = "coordination.decision_assigned"


def _item(cw, *, confidential: bool = False):  # type: ignore[no-untyped-def]
    meeting = _held(cw, _schedule(cw))
    if confidential:
        Meeting.objects.filter(pk=meeting.pk).update(is_confidential=True)
        meeting.refresh_from_db()
    return services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Reports")


def _assign(cw, committed, item, text: str = "Map youth services"):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    with committed():
        return services.decision_record(
            actor=cw.sam, item=item, text=text, owner=cw.mike_person, due_date=timezone.localdate() + timedelta(days=9)
        )


def test_the_owner_is_told_by_e_mail_and_bell_with_an_absolute_link(cw, committed, settings):
    settings.SITE_URL = "https://portal.example.org"
    decision = _assign(cw, committed, _item(cw))
    emails = [m for m in mail.outbox if m.to == ["mike@example.org"]]
    assert len(emails) == 1 and "Map youth services" in emails[0].subject
    assert f"https://portal.example.org{decision.get_absolute_url()}" in emails[0].body
    row = Delivery.objects.get(kind=KIND, recipient=cw.mike)
    assert row.state == Delivery.State.SENT and emails[0].extra_headers["Message-ID"] == row.message_id
    assert Notification.objects.get(recipient=cw.mike, kind=KIND).url == decision.get_absolute_url()


def test_turned_off_it_sends_nothing_and_a_digest_waits_for_the_morning(cw, committed):
    NotificationPreference.objects.create(user=cw.mike, kind=KIND, frequency=Frequency.OFF)
    item = _item(cw)
    _assign(cw, committed, item)
    assert not mail.outbox and not Notification.objects.filter(recipient=cw.mike, kind=KIND).exists()
    NotificationPreference.objects.filter(user=cw.mike, kind=KIND).update(frequency=Frequency.DAILY)
    _assign(cw, committed, item, text="Second decision")
    assert not mail.outbox
    assert Notification.objects.get(recipient=cw.mike, kind=KIND).digest_frequency == Frequency.DAILY


def test_a_confidential_meetings_decision_is_announced_without_its_text(cw, committed):
    _assign(cw, committed, _item(cw, confidential=True), text="Relocate the witness")
    email = next(m for m in mail.outbox if m.to == ["mike@example.org"])
    assert "Relocate" not in email.subject and "Relocate" not in email.body
    assert "Relocate" not in Notification.objects.get(recipient=cw.mike, kind=KIND).title


def test_reassigning_tells_the_new_owner_once(cw, committed):
    decision = _assign(cw, committed, _item(cw))
    with committed():
        services.decision_update(actor=cw.sam, decision=decision, owner=cw.carol_person)
        services.decision_update(actor=cw.sam, decision=decision, due_date=timezone.localdate() + timedelta(days=20))
    assert Delivery.objects.filter(kind=KIND, recipient=cw.carol).count() == 1
    assert len([m for m in mail.outbox if m.to == ["carol@example.org"]]) == 1

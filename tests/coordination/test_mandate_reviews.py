"""Terms of reference due for review: announced once per committee and review date; shown on the
dashboard of those who manage the committee."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coordination.models import Committee
from core.models import Delivery, Notification
from core.tasks import send_notifications_task

pytestmark = pytest.mark.django_db


def _sent(kind: str = "coordination.mandate_review") -> int:
    return Delivery.objects.filter(kind=kind, state=Delivery.State.SENT).count()


def _due_in(committee: Committee, days: int) -> None:
    committee.mandate_review_date = timezone.localdate() + timedelta(days=days)
    committee.save(update_fields=["mandate_review_date"])


def test_review_due_is_announced_to_chair_and_secretary_once(cw):
    _due_in(cw.committee, 20)
    send_notifications_task.delay()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["carol@example.org", "sam@example.org"]  # managers, not members or observers
    assert "due for review" in mail.outbox[0].subject
    assert Notification.objects.filter(recipient=cw.carol, url=cw.committee.get_absolute_url()).count() == 1
    send_notifications_task.delay()  # a retry or a second run sends nothing
    assert len(mail.outbox) == 2 and _sent() == 2


def test_a_missed_run_catches_up_and_a_new_review_date_is_announced_again(cw):
    _due_in(cw.committee, -3)  # already overdue when the job next runs
    send_notifications_task.delay()
    assert _sent() == 2
    _due_in(cw.committee, 365)  # renewed: the next review is a year away, nothing to say yet
    send_notifications_task.delay()
    assert _sent() == 2
    _due_in(cw.committee, 10)  # a new date within the notice period
    send_notifications_task.delay()
    assert _sent() == 4


def test_far_reviews_and_dissolved_committees_are_not_announced(cw):
    _due_in(cw.committee, 90)
    _due_in(cw.south, 5)
    cw.south.status = Committee.Status.DISSOLVED
    cw.south.save(update_fields=["status"])
    send_notifications_task.delay()
    assert mail.outbox == []


def test_dashboard_shows_reviews_due_to_those_who_manage_only(cw, client_for):
    _due_in(cw.committee, -1)
    assert "Reviews due" in client_for(cw.sam).get("/").text
    assert "Reviews due" in client_for(cw.alice).get("/").text  # the district's coordinator
    assert "Reviews due" not in client_for(cw.mike).get("/").text
    assert "Reviews due" not in client_for(cw.charlie).get("/").text

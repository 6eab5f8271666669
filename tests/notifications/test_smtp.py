"""Per-recipient isolation against a real SMTP server (aiosmtpd on 127.0.0.1): a refused or
malformed address is recorded as failed with the reason, not retried for ever, never stops the
others; invitations follow the same rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coordination import services
from coordination.models import Invitation
from core.models import Delivery
from core.notifications.jobs import run
from tests.coordination.factories import MeetingFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_550_for_one_recipient_does_not_stop_the_others(cw, smtp_sink):
    smtp_sink.refuse.add("carol@example.org")
    meeting = MeetingFactory(committee=cw.committee, starts_at=timezone.now() + timedelta(hours=3))
    for person in (cw.carol_person, cw.sam_person, cw.mike_person, cw.olly_person):
        Invitation.objects.create(meeting=meeting, person=person, sent_at=timezone.now())
    run()
    rows = {d.recipient: d for d in Delivery.objects.filter(kind="coordination.meeting_reminder")}
    assert rows[cw.carol].state == Delivery.State.FAILED and rows[cw.carol].last_error.startswith("550")
    for user in (cw.sam, cw.mike, cw.olly):
        assert rows[user].state == Delivery.State.SENT
        assert [m["message_id"] for m in smtp_sink.to(user.email)] == [rows[user].message_id]
    assert smtp_sink.to("carol@example.org") == []
    run()
    run()  # a refusal is final: not retried every run
    assert Delivery.objects.get(pk=rows[cw.carol].pk).attempts == 1
    assert smtp_sink.count() == 3


def test_a_server_that_is_down_is_retried_and_then_given_up(cw, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.NOTIFY_MAX_ATTEMPTS = 2
    cw.committee.mandate_review_date = timezone.localdate() + timedelta(days=2)
    cw.committee.save()
    run()
    rows = Delivery.objects.filter(kind="coordination.mandate_review")
    assert {r.state for r in rows} == {Delivery.State.PENDING}  # a temporary failure: tried again
    assert all("Connection" in r.last_error or "refused" in r.last_error.lower() for r in rows)
    run()
    assert {r.state for r in rows.all()} == {Delivery.State.FAILED}  # attempts ran out: shown as failed


def test_invitations_survive_a_refused_and_a_malformed_address(cw, smtp_sink, committed):
    smtp_sink.refuse.add("mike@example.org")
    cw.olly_person.email = "not an address"
    cw.olly_person.save()
    start = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    with committed():
        meeting = services.meeting_schedule(
            actor=cw.carol, committee=cw.committee, title="Budget", starts_at=start, ends_at=start + timedelta(hours=1)
        )
        services.meeting_publish(actor=cw.carol, meeting=meeting)
    got = {a for m in smtp_sink.messages for a in m["rcpt"]}
    assert got == {"carol@example.org", "sam@example.org"}
    failed = {d.address: d.last_error for d in Delivery.objects.filter(kind="coordination.invitation", state="failed")}
    assert failed["mike@example.org"].startswith("550")
    assert "malformed" in failed["not an address"]
    assert set(meeting.invitations.filter(sent_at__isnull=True).values_list("person__full_name", flat=True)) == {
        "Mike Member",
        "Olly Observer",
    }
    services.invitations_send(meeting_id=meeting.pk)  # a retry sends nothing again
    assert smtp_sink.count() == 2


def test_invitations_whose_publish_failed_are_sent_by_the_sweep(cw, django_capture_on_commit_callbacks, monkeypatch):
    """The broker is down at scheduling: the meeting and its invitations commit, the publish fails
    (and is logged), and the next notifications run sends every invitation once."""
    from django.core import mail

    from coordination.tasks import send_meeting_invitations_task

    def broker_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(send_meeting_invitations_task, "delay", broker_down)
    start = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_schedule(
            actor=cw.carol, committee=cw.committee, title="Budget", starts_at=start, ends_at=start + timedelta(hours=1)
        )
        services.meeting_publish(actor=cw.carol, meeting=meeting)
    assert mail.outbox == [] and meeting.invitations.filter(sent_at__isnull=True).count() == 4
    run()  # too soon: the publish may still be on its way
    assert mail.outbox == []
    run(now=timezone.now() + timedelta(minutes=6))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "carol@example.org",
        "mike@example.org",
        "olly@example.org",
        "sam@example.org",
    ]
    run(now=timezone.now() + timedelta(minutes=12))
    assert len(mail.outbox) == 4


def test_account_invitations_whose_publish_failed_are_sent_by_the_sweep(world, monkeypatch):
    from django.core import mail

    from core.models import User
    from core.services import user_get_or_invite
    from core.tasks import send_invitation_task

    def broker_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(send_invitation_task, "delay", broker_down)
    user, created = user_get_or_invite(actor=world.alice, email="newbie@example.org", base_url="http://testserver")
    assert created
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(minutes=10))
    run()
    run()
    assert [m.to for m in mail.outbox] == [["newbie@example.org"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_person_without_email_factory_sanity():
    assert PersonFactory.build(email="").email == ""

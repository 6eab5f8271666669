"""The one reminder mechanism: once per (kind, subject, recipient, due key), checked at send time,
neutral about confidential meetings, isolated per recipient, and visible when it reaches nobody."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coordination.models import CommitteeMembership, Decision, Meeting
from core.models import Delivery, Frequency, Notification, NotificationPreference
from core.notifications import deliver_pending, sweep
from core.notifications.jobs import run
from tests.coordination.factories import AgendaItemFactory, MeetingFactory
from tests.factories import JurisdictionRoleFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _decision(cw, *, days_overdue: int = 1, confidential: bool = False, owner=None) -> Decision:  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(
        committee=cw.committee,
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
        status=Meeting.Status.MINUTES_APPROVED,
        is_confidential=confidential,
    )
    item = AgendaItemFactory(meeting=meeting)
    return Decision.objects.create(
        agenda_item=item,
        meeting=meeting,
        committee=cw.committee,
        kind=Decision.Kind.ACTION,
        text="Open the youth centre on Saturdays",
        owner=owner or cw.mike_person,
        due_date=timezone.localdate() - timedelta(days=days_overdue),
    )


def _deliveries(kind: str) -> list[Delivery]:
    return list(Delivery.objects.filter(kind=kind).order_by("pk"))


def test_an_overdue_decision_reaches_its_owner_once_whatever_the_runs(cw):
    decision = _decision(cw)
    run()
    run()
    run(now=timezone.now() + timedelta(hours=1))
    rows = _deliveries("coordination.decision_overdue")
    assert [(r.recipient, r.state) for r in rows] == [(cw.mike, Delivery.State.SENT)]
    emails = [m for m in mail.outbox if "Overdue" in m.subject]
    assert len(emails) == 1 and emails[0].to == ["mike@example.org"]
    assert emails[0].extra_headers["Message-ID"] == rows[0].message_id
    assert "Saturdays" in emails[0].subject and decision.get_absolute_url() in emails[0].body
    bell = Notification.objects.get(recipient=cw.mike, kind="coordination.decision_overdue")
    assert bell.url == decision.get_absolute_url() and bell.delivery == rows[0]
    # A new due date is a new reminder.
    decision.due_date = date.today() - timedelta(days=2)
    decision.save()
    run()
    assert len(_deliveries("coordination.decision_overdue")) == 2


def test_the_message_id_is_deterministic_per_record():
    from core.notifications.delivery import message_id_for

    assert message_id_for("k", 1, 2, "user:3", "2026-01-01") == message_id_for("k", 1, 2, "user:3", "2026-01-01")
    assert message_id_for("k", 1, 2, "user:3", "2026-01-01") != message_id_for("k", 1, 2, "user:3", "2026-01-02")


def test_confidential_meetings_are_told_with_a_neutral_title_and_a_link_only(cw):
    decision = _decision(cw, confidential=True)
    run()
    email = next(m for m in mail.outbox if m.to == ["mike@example.org"])
    assert "Saturdays" not in email.subject and "Saturdays" not in email.body
    assert decision.get_absolute_url() in email.body
    bell = Notification.objects.get(recipient=cw.mike)
    assert "Saturdays" not in bell.title


def test_the_right_to_the_subject_is_checked_when_the_message_is_built(cw):
    decision = _decision(cw)
    from core.notifications import get_kind, record

    kind = get_kind("coordination.decision_overdue")
    assert kind is not None
    from core.notifications.registry import Due

    # Recorded for someone who may not see the decision (an outsider named by a buggy scan).
    record(kind, [Due(subject=decision, recipients=[cw.charlie], due_key="x")])
    deliver_pending()
    row = Delivery.objects.get(recipient=cw.charlie)
    assert row.state == Delivery.State.SKIPPED and "may not see" in row.last_error
    assert not mail.outbox and not Notification.objects.filter(recipient=cw.charlie).exists()


def test_nothing_goes_to_an_account_that_never_signed_in(cw):
    never = UserFactory(email="never@example.org", last_login=None)
    _decision(cw, owner=PersonFactory(full_name="Nev", email="never@example.org", user=never))
    run()
    row = Delivery.objects.get(kind="coordination.decision_overdue", recipient=never)
    assert row.state == Delivery.State.SKIPPED and "never signed in" in row.last_error
    assert mail.outbox == []
    # ...and the reminder that reached nobody is recorded as such, not as sent.
    nobody = Delivery.objects.get(kind="coordination.decision_overdue", recipient_key="")
    assert nobody.state == Delivery.State.FAILED and "nobody" in nobody.last_error


def test_a_reminder_that_reaches_nobody_shows_on_the_operations_page(cw, client_for):
    CommitteeMembership.objects.filter(committee=cw.committee, role__in=CommitteeMembership.MANAGING_ROLES).delete()
    cw.committee.mandate_review_date = timezone.localdate() + timedelta(days=3)
    cw.committee.save()
    run()
    row = Delivery.objects.get(kind="coordination.mandate_review")
    assert row.state == Delivery.State.FAILED and row.recipient is None
    page = client_for(cw.admin).get("/profile/operations/")
    assert page.status_code == 200 and "coordination.mandate_review" in page.text and "nobody" in page.text
    assert client_for(cw.charlie).get("/profile/operations/").status_code == 404
    assert client_for(cw.alice).get("/profile/operations/").status_code == 404


def test_preferences_off_and_digest(cw):
    NotificationPreference.objects.create(user=cw.mike, kind="coordination.decision_overdue", frequency=Frequency.OFF)
    _decision(cw)
    run()
    row = Delivery.objects.get(kind="coordination.decision_overdue", recipient=cw.mike)
    assert row.state == Delivery.State.SKIPPED and mail.outbox == []


def test_a_daily_digest_arrives_once_at_the_recipients_local_morning(cw):
    cw.mike.time_zone = "Asia/Dhaka"  # UTC+6: 07:00 there is 01:00 UTC
    cw.mike.save()
    NotificationPreference.objects.create(user=cw.mike, kind="coordination.decision_overdue", frequency=Frequency.DAILY)
    _decision(cw)
    evening = timezone.now().replace(hour=13, minute=0, second=0, microsecond=0)  # 19:00 in Dhaka
    run(now=evening)
    assert mail.outbox == []  # no e-mail yet: it waits for the digest
    bell = Notification.objects.get(recipient=cw.mike)
    assert bell.digest_frequency == "daily" and bell.digest is None
    assert bell.created_at == evening  # the job's clock, not the wall clock it happened to run at
    run(now=evening + timedelta(hours=6))  # 01:00 Dhaka: not yet 07:00
    assert mail.outbox == []
    morning = evening + timedelta(hours=12, minutes=5)  # 07:05 in Dhaka the next day
    run(now=morning)
    run(now=morning + timedelta(minutes=10))
    digests = [m for m in mail.outbox if "digest" in m.subject]
    assert len(digests) == 1 and digests[0].to == ["mike@example.org"]
    assert "Saturdays" in digests[0].body
    bell.refresh_from_db()
    assert bell.digest is not None and bell.digest.kind == "core.digest"


def test_a_stuck_send_is_sent_again_with_the_same_message_id_then_given_up(cw, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    _decision(cw)
    run()
    row = Delivery.objects.get(kind="coordination.decision_overdue")
    first_id = mail.outbox[0].extra_headers["Message-ID"]
    # The worker "died" after the server accepted it but before "sent" was committed.
    Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.SENDING, sending_at=timezone.now())
    assert sweep()["requeued"] == 0  # not stuck yet
    later = timezone.now() + timedelta(seconds=settings.NOTIFY_STUCK_AFTER + 1)
    assert sweep(now=later)["requeued"] == 1
    deliver_pending()
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [first_id, first_id]
    Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.SENDING, sending_at=timezone.now())
    assert sweep(now=later + timedelta(seconds=settings.NOTIFY_STUCK_AFTER + 1))["exhausted"] == 1
    row.refresh_from_db()
    assert row.state == Delivery.State.FAILED and "exhausted" in row.last_error
    assert Notification.objects.filter(recipient=cw.mike).count() == 1  # in-app exactly once


def test_escalation_goes_to_the_chair_and_to_the_coordinator(cw, settings):
    settings.NOTIFY_ESCALATE_AFTER_DAYS = 7
    _decision(cw, days_overdue=10)
    cw.committee.mandate_review_date = timezone.localdate() - timedelta(days=10)
    cw.committee.save()
    run()
    escalated = Delivery.objects.get(kind="coordination.decision_escalation")
    assert escalated.recipient == cw.carol and escalated.state == Delivery.State.SENT  # the chair
    to_coordinators = Delivery.objects.filter(kind="coordination.mandate_review_escalation")
    assert {d.recipient for d in to_coordinators} == {cw.alice}  # the district's coordinator
    assert any(m.to == ["alice@example.org"] and "Overdue" in m.subject for m in mail.outbox)


def test_minutes_not_written_and_awaiting_approval(cw):
    long_ago = timezone.now() - timedelta(days=20)
    held = MeetingFactory(
        committee=cw.committee,
        starts_at=long_ago,
        ends_at=long_ago + timedelta(hours=1),
        status=Meeting.Status.HELD,
        title="Spring meeting",
    )
    drafted = MeetingFactory(
        committee=cw.committee,
        starts_at=long_ago,
        ends_at=long_ago + timedelta(hours=1),
        status=Meeting.Status.MINUTES_DRAFTED,
        title="Winter meeting",
    )
    run()
    due = Delivery.objects.filter(kind="coordination.minutes_due", subject_id=held.pk)
    assert {d.recipient for d in due} == {cw.carol, cw.sam}  # chair and secretary, not members
    approval = Delivery.objects.filter(kind="coordination.minutes_approval", subject_id=drafted.pk)
    assert {d.recipient for d in approval} == {cw.carol}  # the chair approves


def test_one_failing_scan_does_not_stop_the_others(cw, monkeypatch):
    from core.models import JobRun
    from core.notifications import registry

    _decision(cw)
    kind = registry.get_kind("coordination.minutes_due")
    assert kind is not None

    def broken(now):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setitem(registry._kinds, kind.kind, registry.Kind(**{**kind.__dict__, "scan": broken}))
    run()
    assert Delivery.objects.filter(kind="coordination.decision_overdue", state="sent").exists()
    assert "boom" in JobRun.objects.get().error


def _many_decisions(cw, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        user = UserFactory(email=f"owner{i}@example.org")
        _decision(cw, owner=PersonFactory(full_name=f"Owner {i}", email=user.email, user=user))


@pytest.mark.parametrize("n", [3, 12])
def test_the_scan_and_record_of_a_run_do_not_grow_with_the_reminders(cw, n, django_assert_max_num_queries):
    from core.notifications import get_kind, record

    _many_decisions(cw, n)
    kind = get_kind("coordination.decision_overdue")
    assert kind is not None
    with django_assert_max_num_queries(8):
        record(kind, kind.scan(timezone.now()))
    assert Delivery.objects.filter(kind=kind.kind).count() == n


@pytest.mark.parametrize("n", [3, 12])
def test_sending_a_batch_costs_a_fixed_number_of_queries_whatever_the_recipients(cw, n, django_assert_max_num_queries):
    """The claim of a batch is one transaction of a fixed size: the recipients with their
    preferences, every recipient's right to the subject asked of the permission rule at once (their
    roles in bulk, one query per subject model), the bell entries in one insert; the outcomes of the
    sends are written together. Nothing is asked per recipient."""
    from core.notifications import get_kind, record

    _many_decisions(cw, n)
    NotificationPreference.objects.create(user=cw.mike, kind="coordination.decision_overdue", frequency=Frequency.DAILY)
    kind = get_kind("coordination.decision_overdue")
    assert kind is not None
    record(kind, kind.scan(timezone.now()))
    with django_assert_max_num_queries(16):
        deliver_pending()
    assert Delivery.objects.filter(kind=kind.kind, state="sent").count() == n
    assert len([m for m in mail.outbox if "Overdue" in m.subject]) == n


@pytest.mark.parametrize("confidential", [False, True])
def test_the_bulk_check_answers_as_the_rule_does(cw, confidential):
    """The batch's one permission query agrees with ``allows`` for every recipient: the chair,
    the secretary, a member, the liaison (no confidential minutes), the outsider, a deactivated
    account."""
    from core.models import User
    from core.notifications import get_kind
    from core.notifications.delivery import _may_view_all
    from core.permissions import allows

    decision = _decision(cw, confidential=confidential)
    gone = UserFactory(email="gone@example.org", is_active=False)
    users = [cw.carol, cw.sam, cw.mike, cw.olly, cw.bob, cw.charlie, cw.alice, gone]
    kind = get_kind("coordination.decision_overdue")
    assert kind is not None
    fresh = list(User.objects.filter(pk__in=[u.pk for u in users]))
    allowed = _may_view_all([(kind, u, decision) for u in fresh])
    for user in User.objects.filter(pk__in=[u.pk for u in users]):
        assert ((user.pk, "coordination.Decision", decision.pk) in allowed) == allows(user, decision, "view"), user
    assert (cw.charlie.pk, "coordination.Decision", decision.pk) not in allowed
    assert (cw.mike.pk, "coordination.Decision", decision.pk) in allowed


def test_an_operator_retries_a_failed_delivery(cw, client_for):
    _decision(cw)
    run()
    row = Delivery.objects.get(kind="coordination.decision_overdue")
    Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.FAILED, last_error="550 no such user")
    assert client_for(cw.charlie).post(f"/profile/operations/deliveries/{row.pk}/retry/").status_code == 404
    response = client_for(cw.admin).post(f"/profile/operations/deliveries/{row.pk}/retry/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT and len(mail.outbox) == 2


def test_coordinator_role_fixture_sanity(cw):
    JurisdictionRoleFactory(user=UserFactory(), jurisdiction=cw.city, role="coordinator")


def test_each_periodic_jobs_last_run_shows_on_the_operations_page(cw, client_for):
    from core.models import JobRun
    from core.tasks import clear_expired_sessions_task

    clear_expired_sessions_task.delay()
    run()
    assert set(JobRun.objects.values_list("job", flat=True)) == {"clear_expired_sessions_task", "notifications"}
    page = client_for(cw.admin).get("/profile/operations/")
    assert "clear_expired_sessions_task" in page.text and "notifications" in page.text

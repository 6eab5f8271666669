"""Action plans' reminders and events through the one mechanism: once per recipient and due key
across runs, checked again at send time, escalated after the quarter, absolute links, and the
progress-report events by preferences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from actionplans import services
from actionplans.models import Action, ActionPlan
from actionplans.selectors import quarter_start
from core.models import Delivery, Frequency, Notification, NotificationPreference, User
from core.notifications import deliver_pending, get_kind, record
from core.notifications.jobs import run
from stakeholders.models import OrganisationMembership

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.org"


@pytest.fixture
def plans(pw, settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE
    ActionPlan.objects.filter(pk=pw.plan.pk).update(status=ActionPlan.Status.ACTIVE)
    User.objects.filter(pk__in=[pw.mona.pk, pw.olga.pk, pw.alice.pk, pw.pete.pk, pw.mike.pk]).update(
        last_login=timezone.now()
    )
    Delivery.objects.all().delete()
    Notification.objects.all().delete()
    mail.outbox.clear()
    return pw


def _overdue(pw) -> Action:  # type: ignore[no-untyped-def]
    Action.objects.filter(pk=pw.a1.pk).update(planned_end=timezone.localdate() - timedelta(days=2))
    pw.a1.refresh_from_db()
    return pw.a1


def _to(address: str) -> list:  # type: ignore[type-arg]
    return [m for m in mail.outbox if m.to == [address] and "Action overdue" in m.subject]


def test_an_overdue_action_reaches_its_lead_organisation_once_across_runs(plans):
    action = _overdue(plans)
    run()
    run(now=timezone.now() + timedelta(hours=6))
    for address in ("mona@example.org", "olga@example.org"):
        emails = _to(address)
        assert len(emails) == 1, address
        assert f"{SITE}{action.get_absolute_url()}" in emails[0].body
    assert not _to("pete@example.org")  # another organisation's member
    rows = Delivery.objects.filter(kind="actionplans.action_overdue", state=Delivery.State.SENT)
    assert {r.recipient for r in rows} == {plans.mona, plans.olga}


def test_a_member_who_left_the_organisation_before_the_send_is_not_told(plans):
    _overdue(plans)
    kind = get_kind("actionplans.action_overdue")
    assert kind is not None and kind.scan is not None
    record(kind, kind.scan(timezone.now()))
    assert Delivery.objects.filter(kind=kind.kind, recipient=plans.mona, state="pending").exists()
    OrganisationMembership.objects.filter(user=plans.mona, organisation=plans.org).delete()
    deliver_pending()
    row = Delivery.objects.get(kind=kind.kind, recipient=plans.mona)
    assert row.state == Delivery.State.SKIPPED and "may not see" in row.last_error
    assert not _to("mona@example.org") and len(_to("olga@example.org")) == 1


def test_a_report_missing_long_after_the_quarter_is_escalated_to_the_coordinator(plans):
    later = quarter_start(timezone.localdate() + timedelta(days=95)) + timedelta(days=20)
    now = timezone.now() + (later - timezone.localdate())
    run(now=now)
    run(now=now + timedelta(hours=1))
    rows = Delivery.objects.filter(kind="actionplans.report_escalation", subject_id=plans.a1.pk)
    assert [(r.recipient, r.state) for r in rows] == [(plans.alice, Delivery.State.SENT)]
    escalations = [m for m in mail.outbox if m.to == ["alice@example.org"] and "overdue" in m.subject]
    assert len({m.subject for m in escalations if plans.a1.title in m.subject}) == 1


def test_report_submitted_and_returned_go_through_preferences(plans, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(
        user=plans.alice, kind="actionplans.report_submitted", frequency=Frequency.WEEKLY
    )
    start, end = plans.period
    update = services.progress_update_create(
        actor=plans.mona, action=plans.a1, period_start=start, period_end=end, narrative="Two sessions", progress=30
    )
    with django_capture_on_commit_callbacks(execute=True):
        update = services.progress_update_submit(actor=plans.mona, update=update)
    assert not [m for m in mail.outbox if m.to == ["alice@example.org"]]  # in the weekly digest
    bell = Notification.objects.get(recipient=plans.alice, kind="actionplans.report_submitted")
    assert bell.digest_frequency == Frequency.WEEKLY and bell.url == update.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_update_return(actor=plans.alice, update=update, note="Attach the attendance sheet")
    returned = [m for m in mail.outbox if m.to == ["mona@example.org"]]
    assert len(returned) == 1 and "Attach the attendance sheet" in returned[0].body
    assert f"{SITE}{update.get_absolute_url()}" in returned[0].body


def test_an_evaluation_due_reaches_the_plans_coordinator_once(plans):
    services.evaluation_create(
        actor=plans.alice, plan=plans.plan, kind="mid_term", due_on=timezone.localdate() + timedelta(days=5)
    )
    run()
    run()
    emails = [m for m in mail.outbox if m.to == ["alice@example.org"] and "evaluation" in m.subject]
    assert len(emails) == 1 and plans.plan.title in emails[0].subject
    assert f"{SITE}/plans/{plans.plan.pk}/evaluation/" in emails[0].body


@pytest.mark.parametrize("n", [2, 8])
def test_the_plan_scans_do_not_grow_with_the_actions(plans, n, django_assert_max_num_queries):
    for i in range(n):
        services.action_create(
            actor=plans.alice,
            plan=plans.plan,
            objective=plans.o1,
            title=f"Extra {i}",
            lead_organisation=plans.org,
            planned_start=timezone.localdate() - timedelta(days=200),
            planned_end=timezone.localdate() - timedelta(days=1),
        )
    later = timezone.now() + timedelta(days=120)
    for i in range(n):
        services.evaluation_create(
            actor=plans.alice, plan=plans.plan, kind="ad_hoc", due_on=timezone.localdate() + timedelta(days=i)
        )
    names = ("action_overdue", "report_due", "report_escalation", "evaluation_due")
    for name in (f"actionplans.{short}" for short in names):
        kind = get_kind(name)
        assert kind is not None and kind.scan is not None
        with django_assert_max_num_queries(8):
            record(kind, kind.scan(later))

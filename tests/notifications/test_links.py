"""Every e-mail the portal sends carries only absolute links built from the one setting
``SITE_URL`` (a mail client has no page to resolve ``/coordination/meetings/51/`` against):
reminders and events of every app, the digest, meeting invitations, account invitations and
login-link invitations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Frequency, GranteeKind, NotificationPreference, User
from core.notifications.jobs import run

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.org"
REQUEST_HOSTS = ("http://127.0.0.1", "http://testserver", "http://x/")
ABSOLUTE = re.compile(r"https?://[^\s<>\"')]+")
# A path standing alone: after a space, a bracket, a quote or a line start, "/" and a word.
RELATIVE = re.compile(r"(?:^|[\s(<\"'=:])(/[a-z][\w\-./]*)", re.MULTILINE)


@pytest.fixture(autouse=True)
def _site(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE


def bodies(message) -> list[str]:  # type: ignore[no-untyped-def]
    out = [message.body]
    out += [content for content, mimetype in getattr(message, "alternatives", []) if "html" in mimetype]
    return out


def assert_only_absolute_links(outbox) -> None:  # type: ignore[no-untyped-def]
    assert outbox, "nothing was sent"
    for message in outbox:
        for body in bodies(message):
            for link in ABSOLUTE.findall(body):
                # Portal links are on SITE_URL, never on the host a request came in by.
                assert link.startswith(SITE + "/") or not link.startswith(REQUEST_HOSTS), (message.subject, link)
            rest = ABSOLUTE.sub(" ", body)
            relative = RELATIVE.findall(rest)
            assert relative == [], (message.subject, relative)
        assert any(link.startswith(SITE + "/") for body in bodies(message) for link in ABSOLUTE.findall(body)), (
            message.subject,
            "no link to the portal",
        )


def test_the_finder_sees_a_relative_link():
    class Message:
        body = "Open it: /coordination/meetings/51/\n"
        subject = "x"

    with pytest.raises(AssertionError):
        assert_only_absolute_links([Message()])


def test_coordination_e_mails_and_the_digest(cw, committed):
    from coordination.models import Invitation
    from tests.coordination.test_services import _schedule
    from tests.notifications.test_mechanism import _decision

    meeting = _schedule(cw, days=1, committed=committed)  # invitations (with the .ics)
    Invitation.objects.filter(meeting=meeting).update(response=Invitation.Response.ACCEPTED)
    cw.committee.mandate_review_date = timezone.localdate() + timedelta(days=5)
    cw.committee.save()
    _decision(cw)
    _decision(cw, confidential=True)
    NotificationPreference.objects.create(user=cw.carol, kind="coordination.mandate_review", frequency=Frequency.DAILY)
    run()  # meeting reminders, mandate review, decisions overdue (one neutral)
    run(now=timezone.now() + timedelta(days=1, hours=1))  # the digest the next morning
    subjects = " | ".join(m.subject for m in mail.outbox)
    assert "Reminder" in subjects and "Overdue" in subjects and "digest" in subjects, subjects
    assert_only_absolute_links(mail.outbox)


def test_information_sharing_e_mails(sw):
    from infosharing import services
    from infosharing.models import TLP, InformationItem

    mail.outbox.clear()
    today = timezone.localdate()
    sw.agreement.next_review = today + timedelta(days=3)
    sw.agreement.save()
    InformationItem.objects.filter(pk=sw.items[TLP.RED].pk).update(review_on=today)
    InformationItem.objects.filter(pk=sw.items[TLP.AMBER].pk).update(retention_until=today + timedelta(days=3))
    services.item_share(
        actor=sw.paula,
        item=sw.items[TLP.AMBER],
        grantee_kind=GranteeKind.USER,
        grantee_id=sw.ollie.pk,
        reason="joint case",
        confirmed=True,
        expires_at=timezone.now() + timedelta(days=1),
    )
    services.access_request_ask(actor=sw.pete, reference=sw.items[TLP.RED].reference, reason="case conference")
    run()
    kinds = {m.subject for m in mail.outbox}
    assert len(kinds) >= 5, kinds  # agreement review, item review, retention, shared, expiry, request
    assert_only_absolute_links(mail.outbox)


def test_information_sharing_escalation_e_mails(sw):
    from infosharing.models import TLP, InformationItem, SharingAgreement

    mail.outbox.clear()
    long_ago = timezone.localdate() - timedelta(days=60)
    SharingAgreement.objects.filter(pk=sw.agreement.pk).update(next_review=long_ago)
    InformationItem.objects.filter(pk=sw.items[TLP.CLEAR].pk).update(review_on=long_ago)
    run()
    subjects = {m.subject for m in mail.outbox}
    assert any(s.startswith("Overdue: the review of the sharing agreement") for s in subjects), subjects
    assert any(s.endswith("] An information item is overdue for review") for s in subjects), subjects
    assert_only_absolute_links(mail.outbox)


def test_action_plan_e_mails(pw, django_capture_on_commit_callbacks):
    from actionplans import services
    from actionplans.models import Action, ActionPlan

    ActionPlan.objects.filter(pk=pw.plan.pk).update(status=ActionPlan.Status.ACTIVE)
    User.objects.update(last_login=timezone.now())
    Action.objects.filter(pk=pw.a1.pk).update(planned_end=timezone.localdate() - timedelta(days=1))
    mail.outbox.clear()
    start, end = pw.period
    update = services.progress_update_create(
        actor=pw.mona, action=pw.a1, period_start=start, period_end=end, narrative="Two sessions", progress=30
    )
    with django_capture_on_commit_callbacks(execute=True):
        update = services.progress_update_submit(actor=pw.mona, update=update)
        services.progress_update_return(actor=pw.alice, update=update, note="Attach the sheet")
    run()
    run(now=timezone.now() + timedelta(days=120))  # reports due, and escalated
    subjects = " | ".join(m.subject for m in mail.outbox)
    assert "overdue" in subjects.lower() and "returned" in subjects and "awaits review" in subjects, subjects
    assert_only_absolute_links(mail.outbox)


def test_account_and_login_invitations(world, django_capture_on_commit_callbacks, settings):
    from core.services import user_get_or_invite
    from stakeholders.services.logins import person_login_invite
    from tests.factories import PersonFactory

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        user_get_or_invite(actor=world.admin, email="new@example.org", full_name="New Person", base_url="http://x/")
        person = PersonFactory(full_name="Lin Link", email="lin@example.org", jurisdiction=world.city)
        person_login_invite(actor=world.admin, person=person, base_url="http://testserver/")
    assert {m.to[0] for m in mail.outbox} == {"new@example.org", "lin@example.org"}
    assert_only_absolute_links(mail.outbox)

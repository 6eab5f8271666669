"""Information sharing's reminders through the one mechanism: once per (kind, subject, recipient,
due key) whatever the runs, neutral about every TLP item (no title, no content, a link only),
checked again at send time, following the recipient's preferences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Delivery, Frequency, GranteeKind, Notification, NotificationPreference
from core.notifications import deliver_pending, get_kind, record
from core.notifications.jobs import run
from infosharing import services
from infosharing.models import TLP, InformationItem, ItemGrant

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.org"


@pytest.fixture(autouse=True)
def _quiet(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE


def _clear() -> None:
    """Forget what the fixture's own shares recorded and sent."""
    Delivery.objects.all().delete()
    Notification.objects.all().delete()
    mail.outbox.clear()


def _to(address: str) -> list:  # type: ignore[type-arg]
    return [m for m in mail.outbox if m.to == [address]]


def test_an_agreement_due_for_review_reaches_its_sharing_admins_once_across_runs(sw):
    _clear()
    sw.agreement.next_review = timezone.localdate() + timedelta(days=10)
    sw.agreement.save()
    run()
    run(now=timezone.now() + timedelta(hours=6))
    emails = _to("sana@example.org")
    assert len(emails) == 1
    assert "Harbour safeguarding" in emails[0].subject
    assert f"{SITE}{sw.agreement.get_absolute_url()}" in emails[0].body
    row = Delivery.objects.get(kind="infosharing.agreement_review", recipient=sw.sana)
    assert row.state == Delivery.State.SENT and row.due_key == sw.agreement.next_review.isoformat()
    assert emails[0].extra_headers["Message-ID"] == row.message_id
    # A new review date is a new reminder.
    sw.agreement.next_review += timedelta(days=5)
    sw.agreement.save()
    run()
    assert len(_to("sana@example.org")) == 2


@pytest.mark.parametrize("label", [TLP.RED, TLP.AMBER, TLP.GREEN])
def test_an_item_due_for_review_is_told_without_its_title_or_content(sw, label):
    _clear()
    item = sw.items[label]
    InformationItem.objects.filter(pk=item.pk).update(review_on=timezone.localdate())
    run()
    run()
    emails = _to("paula@example.org")
    assert len(emails) == 1
    email = emails[0]
    assert email.subject == f"[TLP:{label}] An information item is due for review"
    for secret in (item.title, f"secret facts {label}", f"secret opinion {label}", item.reference):
        assert secret not in email.subject and secret not in email.body
    assert f"{SITE}{item.get_absolute_url()}" in email.body
    bell = Notification.objects.get(recipient=sw.paula, kind="infosharing.item_review")
    assert item.title not in bell.title and bell.url == item.get_absolute_url()


def test_an_item_whose_retention_ends_soon_is_announced_to_its_originator_once(sw):
    _clear()
    item = sw.items[TLP.AMBER]
    InformationItem.objects.filter(pk=item.pk).update(retention_until=timezone.localdate() + timedelta(days=7))
    run()
    run()
    emails = _to("paula@example.org")
    assert len(emails) == 1 and "erased" in emails[0].subject
    assert item.title not in emails[0].body and "secret" not in emails[0].body


def _expiring_grant_to_rita(sw) -> ItemGrant:  # type: ignore[no-untyped-def]
    item = sw.items[TLP.AMBER]
    return services.item_share(
        actor=sw.paula,
        item=item,
        grantee_kind=GranteeKind.USER,
        grantee_id=sw.rita.pk,
        reason="for the case conference",
        confirmed=True,
        expires_at=timezone.now() + timedelta(days=2),
    )


def test_access_that_expires_soon_is_announced_once_per_grant(sw):
    _expiring_grant_to_rita(sw)
    _clear()
    run()
    run()
    rows = Delivery.objects.filter(kind="infosharing.access_expiry")
    assert [(r.recipient, r.state) for r in rows] == [(sw.rita, Delivery.State.SENT)]
    emails = _to("rita@example.org")
    assert len(emails) == 1 and emails[0].subject == "[TLP:AMBER] Your access to an information item ends soon"
    assert sw.items[TLP.AMBER].title not in emails[0].body


def test_a_recipient_who_lost_access_before_the_send_is_not_told(sw):
    """Recorded while ollie could open the item; his organisation's grant is revoked before the
    send: the message is not built, the row says why, nothing reaches him."""
    _clear()
    item = sw.items[TLP.GREEN]
    InformationItem.objects.filter(pk=item.pk).update(review_on=timezone.localdate())
    services.item_share(
        actor=sw.paula,
        item=item,
        grantee_kind=GranteeKind.USER,
        grantee_id=sw.ollie.pk,
        reason="follow-up",
        confirmed=True,
        expires_at=timezone.now() + timedelta(days=1),
    )
    Delivery.objects.filter(kind="infosharing.item_shared").delete()
    kind = get_kind("infosharing.access_expiry")
    assert kind is not None and kind.scan is not None
    record(kind, kind.scan(timezone.now()))
    row = Delivery.objects.get(kind="infosharing.access_expiry", recipient=sw.ollie)
    assert row.state == Delivery.State.PENDING
    for other in ItemGrant.objects.filter(target=item, revoked_at__isnull=True):
        services.grant_revoke(actor=sw.paula, grant=other, reason="case closed")
    deliver_pending()
    row.refresh_from_db()
    assert row.state == Delivery.State.SKIPPED and "may not see" in row.last_error
    assert not _to("ollie@example.org")
    assert not Notification.objects.filter(recipient=sw.ollie).exists()


def test_sharing_reminders_follow_the_recipients_preferences(sw):
    _clear()
    NotificationPreference.objects.create(user=sw.sana, kind="infosharing.agreement_review", frequency=Frequency.OFF)
    NotificationPreference.objects.create(user=sw.paula, kind="infosharing.item_review", frequency=Frequency.DAILY)
    sw.agreement.next_review = timezone.localdate()
    sw.agreement.save()
    InformationItem.objects.filter(pk=sw.items[TLP.RED].pk).update(review_on=timezone.localdate())
    run()
    off = Delivery.objects.get(kind="infosharing.agreement_review", recipient=sw.sana)
    assert off.state == Delivery.State.SKIPPED and "preferences" in off.last_error
    assert not mail.outbox  # paula reads hers in tomorrow's digest
    bell = Notification.objects.get(recipient=sw.paula, kind="infosharing.item_review")
    assert bell.digest_frequency == Frequency.DAILY and "Report" not in bell.title


def test_a_share_is_told_once_with_a_neutral_absolute_link(sw):
    _clear()
    item = sw.items[TLP.AMBER_STRICT]
    services.item_share(
        actor=sw.paula,
        item=item,
        grantee_kind=GranteeKind.ORGANISATION,
        grantee_id=sw.women.pk,
        reason="joint case",
        confirmed=True,
    )
    run()
    run()
    emails = _to("ollie@example.org")
    assert len(emails) == 1
    assert emails[0].subject == "[TLP:AMBER+STRICT] An information item has been shared with you"
    assert f"{SITE}{item.get_absolute_url()}" in emails[0].body and item.title not in emails[0].body


@pytest.mark.parametrize("n", [2, 8])
def test_the_sharing_scans_do_not_grow_with_the_items(sw, n, django_assert_max_num_queries):
    for i in range(n):
        services.item_create(
            actor=sw.paula,
            title=f"Extra {i}",
            organisation=sw.police,
            category="Safeguarding",
            label=TLP.AMBER,
            facts="x",
            opinion="y",
            agreement=sw.agreement,
        )
    today = timezone.localdate()
    InformationItem.objects.update(review_on=today, retention_until=today + timedelta(days=3))
    for name in ("infosharing.item_review", "infosharing.retention_expiry", "infosharing.agreement_review"):
        kind = get_kind(name)
        assert kind is not None and kind.scan is not None
        with django_assert_max_num_queries(8):
            record(kind, kind.scan(timezone.now()))

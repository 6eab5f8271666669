"""Overdue reviews in information sharing are escalated ``NOTIFY_ESCALATE_AFTER_DAYS`` after the
review date: an agreement to the chairs of its client committees and the platform admins, an item
to its originating organisation's sharing admins who may open it (neutral: the TLP marking and a
link, never the title or the content). Once per review date, only to those the rule registry lets
open the subject, an escalation that reaches nobody shown as such, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coordination.models import CommitteeMembership
from core.models import Delivery, Frequency, GranteeKind, Notification, NotificationPreference, User
from core.notifications import get_kind, record
from core.notifications.jobs import run
from infosharing import services
from infosharing.models import TLP, InformationItem, SharingAdmin, SharingAgreement
from tests.coordination.factories import CommitteeFactory, CommitteeMembershipFactory
from tests.factories import OrganisationMembershipFactory, PersonFactory, UserFactory
from tests.infosharing.conftest import make_agreement

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.org"
AGREEMENT = "infosharing.agreement_review_escalation"
ITEM = "infosharing.item_review_escalation"


@pytest.fixture
def esc(sw, settings):  # type: ignore[no-untyped-def]
    """``sw`` with a client committee on the agreement (carol its chair, mike a member) and the
    escalation delay at 7 days."""
    settings.SITE_URL = SITE
    settings.NOTIFY_ESCALATE_AFTER_DAYS = 7
    committee = CommitteeFactory(name="Harbour Safeguarding Panel", jurisdiction=sw.world.city)
    for key, role in [("carol", CommitteeMembership.Role.CHAIR), ("mike", CommitteeMembership.Role.MEMBER)]:
        user = UserFactory(email=f"{key}@example.org", full_name=key.title())
        person = PersonFactory(full_name=key.title(), email=f"{key}@example.org", user=user)
        CommitteeMembershipFactory(committee=committee, person=person, organisation=sw.world.org, role=role)
        setattr(sw, key, user)
    sw.agreement.client_committees.add(committee)
    sw.committee = committee
    User.objects.filter(pk=sw.admin.pk).update(last_login=timezone.now())
    _clear()
    return sw


def _clear() -> None:
    Delivery.objects.all().delete()
    Notification.objects.all().delete()
    mail.outbox.clear()


def _escalations(address: str) -> list:  # type: ignore[type-arg]
    return [m for m in mail.outbox if m.to == [address] and "overdue" in m.subject.lower()]


def _agreement_overdue(agreement: SharingAgreement, days: int) -> None:
    SharingAgreement.objects.filter(pk=agreement.pk).update(next_review=timezone.localdate() - timedelta(days=days))


def _item_overdue(item: InformationItem, days: int) -> None:
    InformationItem.objects.filter(pk=item.pk).update(review_on=timezone.localdate() - timedelta(days=days))


# --- agreements -------------------------------------------------------------------------------------


def test_an_agreement_overdue_for_less_than_the_delay_is_not_escalated(esc):
    _agreement_overdue(esc.agreement, 7)  # overdue, but not by more than the 7 days allowed
    run()
    assert not Delivery.objects.filter(kind=AGREEMENT).exists()
    assert Delivery.objects.filter(kind="infosharing.agreement_review", recipient=esc.sana).exists()
    assert not _escalations("carol@example.org") and not _escalations("admin@example.org")


def test_an_overdue_agreement_is_escalated_once_to_client_chairs_and_platform_admins(esc):
    _agreement_overdue(esc.agreement, 8)
    run()
    run(now=timezone.now() + timedelta(hours=6))
    rows = Delivery.objects.filter(kind=AGREEMENT)
    assert {(r.recipient, r.state) for r in rows} == {(esc.carol, "sent"), (esc.admin, "sent")}
    for address in ("carol@example.org", "admin@example.org"):
        emails = _escalations(address)
        assert len(emails) == 1, address
        assert "Harbour safeguarding" in emails[0].subject and emails[0].subject.startswith("Overdue")
        assert f"{SITE}{esc.agreement.get_absolute_url()}" in emails[0].body
    # Not the committee's plain member, not the coordinator, not the parties' sharing admin (who
    # has the reminder itself).
    for address in ("mike@example.org", "alice@example.org", "sana@example.org"):
        assert not _escalations(address), address
    # A new review date is a new escalation.
    _agreement_overdue(esc.agreement, 30)
    run()
    assert len(_escalations("carol@example.org")) == 2 and len(_escalations("admin@example.org")) == 2


def test_a_chair_who_left_the_client_committee_is_not_told(esc):
    CommitteeMembership.objects.filter(person__user=esc.carol).update(end_date=timezone.localdate() - timedelta(days=1))
    _agreement_overdue(esc.agreement, 8)
    run()
    assert not _escalations("carol@example.org")
    assert {r.recipient for r in Delivery.objects.filter(kind=AGREEMENT)} == {esc.admin}


def test_an_agreement_escalation_that_reaches_nobody_is_recorded_as_failed(esc):
    esc.agreement.client_committees.clear()
    User.objects.filter(pk=esc.admin.pk).update(is_superuser=False)
    _agreement_overdue(esc.agreement, 8)
    run()
    row = Delivery.objects.get(kind=AGREEMENT)
    assert row.recipient_key == "" and row.state == Delivery.State.FAILED
    assert "no client committee chair or platform admin" in row.last_error


# --- items ----------------------------------------------------------------------------------------------


def _grant_to_sana(esc, item: InformationItem) -> None:  # type: ignore[no-untyped-def]
    """Sana joins the police (a sharing admin reads no content by rank) and is granted the item."""
    OrganisationMembershipFactory(user=esc.sana, organisation=esc.police)
    services.item_share(
        actor=esc.paula,
        item=item,
        grantee_kind=GranteeKind.USER,
        grantee_id=esc.sana.pk,
        reason="oversight",
        confirmed=True,
    )


def test_an_item_overdue_for_less_than_the_delay_is_not_escalated(esc):
    _grant_to_sana(esc, esc.items[TLP.AMBER])
    _clear()
    _item_overdue(esc.items[TLP.AMBER], 7)
    run()
    assert not Delivery.objects.filter(kind=ITEM).exists()
    assert Delivery.objects.filter(kind="infosharing.item_review", recipient=esc.paula).exists()


def test_an_overdue_item_goes_only_to_sharing_admins_who_may_open_it_and_says_nothing_of_it(esc, client_for):
    item = esc.items[TLP.AMBER]
    sid = UserFactory(email="sid@example.org", full_name="Sid Secondadmin")
    SharingAdmin.objects.create(user=sid, organisation=esc.police)
    ward = UserFactory(email="ward@example.org", full_name="Ward Womenadmin")
    SharingAdmin.objects.create(user=ward, organisation=esc.women)  # another organisation's admin
    _item_overdue(item, 8)
    run()
    # No sharing admin of the police may open the item: nobody is told, and the page says so.
    row = Delivery.objects.get(kind=ITEM, subject_id=item.pk)
    assert row.recipient_key == "" and row.state == Delivery.State.FAILED
    assert "no sharing admin of the originating organisation may open the item" in row.last_error
    assert not any("overdue" in m.subject for m in mail.outbox)
    page = client_for(esc.admin).get("/profile/operations/")
    assert ITEM in page.text and "nobody" in page.text and "may open the item" in page.text

    # Sana is granted the item: she hears of it, once, in neutral words; sid still may not open it.
    _grant_to_sana(esc, item)
    mail.outbox.clear()
    run()
    run()
    emails = _escalations("sana@example.org")
    assert len(emails) == 1
    email = emails[0]
    assert email.subject == "[TLP:AMBER] An information item is overdue for review"
    for secret in (item.title, "secret facts", "secret opinion", item.reference):
        assert secret not in email.subject and secret not in email.body
    assert f"{SITE}{item.get_absolute_url()}" in email.body
    bell = Notification.objects.get(recipient=esc.sana, kind=ITEM)
    assert item.title not in bell.title and bell.url == item.get_absolute_url()
    assert not _escalations("sid@example.org") and not _escalations("ward@example.org")
    assert not _escalations("paula@example.org")  # the originator has the reminder, not this
    # A new review date is a new escalation.
    _item_overdue(item, 20)
    run()
    assert len(_escalations("sana@example.org")) == 2


def test_escalations_follow_the_recipients_preferences(esc, client_for):
    page = client_for(esc.carol).get("/profile/notifications/preferences/")
    assert AGREEMENT in page.text and ITEM in page.text
    NotificationPreference.objects.create(user=esc.carol, kind=AGREEMENT, frequency=Frequency.OFF)
    NotificationPreference.objects.create(user=esc.admin, kind=AGREEMENT, frequency=Frequency.DAILY)
    _agreement_overdue(esc.agreement, 8)
    run()
    off = Delivery.objects.get(kind=AGREEMENT, recipient=esc.carol)
    assert off.state == Delivery.State.SKIPPED and "preferences" in off.last_error
    assert not _escalations("carol@example.org") and not _escalations("admin@example.org")
    bell = Notification.objects.get(recipient=esc.admin, kind=AGREEMENT)
    assert bell.digest_frequency == Frequency.DAILY


# --- query budget ------------------------------------------------------------------------------------------


def _more(esc, n: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    """``n`` more overdue agreements, each with its own client committee and chair, and ``n`` more
    overdue items, each of its own organisation with its own sharing admin."""
    from tests.factories import OrganisationFactory

    for i in range(start, start + n):
        agreement = make_agreement(esc, title=f"Agreement {i}")
        services.agreement_activate(actor=esc.sana, agreement=agreement)
        committee = CommitteeFactory(jurisdiction=esc.world.city)
        chair = UserFactory(email=f"chair{i}@example.org")
        CommitteeMembershipFactory(
            committee=committee,
            person=PersonFactory(user=chair, email=f"chair{i}@example.org"),
            organisation=esc.world.org,
            role=CommitteeMembership.Role.CO_CHAIR,
        )
        agreement.client_committees.add(committee)
        org = OrganisationFactory(name=f"Organisation {i}", sector=esc.world.civil, jurisdiction=esc.world.city)
        admin = UserFactory(email=f"admin{i}@example.org")
        SharingAdmin.objects.create(user=admin, organisation=org)
        item = services.item_create(
            actor=esc.paula,
            title=f"Extra {i}",
            organisation=esc.police,
            category="Safeguarding",
            label=TLP.CLEAR,
            facts="x",
            opinion="y",
            agreement=esc.agreement,
        )
        InformationItem.objects.filter(pk=item.pk).update(organisation=org)
    past = timezone.localdate() - timedelta(days=8)
    SharingAgreement.objects.update(next_review=past)
    InformationItem.objects.update(review_on=past)


def _scan_queries(name: str) -> tuple[int, int]:
    kind = get_kind(name)
    assert kind is not None and kind.scan is not None
    with CaptureQueriesContext(connection) as queries:
        counts = record(kind, kind.scan(timezone.now()))
    return len(queries), counts["due"]


@pytest.mark.parametrize("name", [AGREEMENT, ITEM])
def test_the_escalation_scans_do_not_grow_with_the_agreements_or_items(esc, name):
    _more(esc, 1)
    _scan_queries(name)  # warm the content-type cache
    Delivery.objects.all().delete()
    few, due_few = _scan_queries(name)
    Delivery.objects.all().delete()
    _more(esc, 6, start=1)
    many, due_many = _scan_queries(name)
    assert due_many == due_few + 6
    assert many == few and many <= 16, (few, many)
    assert Delivery.objects.filter(kind=name, recipient__email="admin5@example.org").exists() == (name == ITEM)

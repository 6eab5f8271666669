"""The persona x label matrix at the rule, the list selector and the visibility table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import GranteeKind
from core.permissions import forget, visible
from infosharing import permissions as perms
from infosharing import selectors, services
from infosharing.models import TLP, InformationItem
from tests.coordination.factories import CommitteeFactory, CommitteeMembershipFactory
from tests.factories import PersonFactory
from tests.infosharing.conftest import EXPECTED

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_lists_and_opens_exactly_what_the_labels_allow(sw, persona):
    user = getattr(sw, persona)
    expected = {sw.items[label].pk for label in EXPECTED[persona]}
    listed = {i.pk for i in selectors.item_page_visible_to(user).items}
    by_rule = set(visible(user, InformationItem).values_list("pk", flat=True))
    from_grants = set(InformationItem.objects.filter(perms.item_ids_from_grants(user)).values_list("pk", flat=True))
    assert listed == by_rule == from_grants == expected


def test_anonymous_sees_nothing(sw):
    assert selectors.item_page_visible_to(AnonymousUser()).items == []
    assert not visible(AnonymousUser(), InformationItem).exists()


@pytest.mark.parametrize(
    ("starts", "ends", "sees"),
    [(None, None, True), (-3, 3, True), (1, None, False), (None, -1, False)],
    ids=["open seat", "seat in force", "seat from tomorrow", "seat ended yesterday"],
)
def test_an_item_granted_to_a_committee_is_listed_only_to_those_seated_on_it_today(sw, starts, ends, sees):
    """The list reads the user's committees in its own query (PostgreSQL): a seat counts only while
    it is in force, as for the rule."""
    committee = CommitteeFactory(name="Harbour TLCC", jurisdiction=sw.world.city)
    sw.agreement.client_committees.add(committee)
    today = timezone.localdate()
    CommitteeMembershipFactory(
        committee=committee,
        organisation=sw.police,
        person=PersonFactory(full_name="Pete", user=sw.pete),
        start_date=today + timedelta(days=starts) if starts is not None else None,
        end_date=today + timedelta(days=ends) if ends is not None else None,
    )
    item = sw.items[TLP.AMBER]
    services.item_share(
        actor=sw.paula,
        item=item,
        grantee_kind=GranteeKind.COMMITTEE,
        grantee_id=committee.pk,
        reason="r",
        confirmed=True,
    )
    listed = {i.pk for i in selectors.item_page_visible_to(sw.pete).items}
    by_rule = set(visible(sw.pete, InformationItem).values_list("pk", flat=True))
    assert (item.pk in listed) is sees
    assert listed == by_rule == {sw.items[TLP.CLEAR].pk} | ({item.pk} if sees else set())


@pytest.mark.parametrize("q", ["", "report"])
def test_the_label_filter_lists_only_what_the_reader_may_open_with_that_label(sw, q):
    for persona, allowed in EXPECTED.items():
        user = getattr(sw, persona)
        for label in TLP.values:
            page = selectors.item_page_visible_to(user, q=q, label=label)
            expected = {sw.items[label].pk} if label in allowed else set()
            assert {i.pk for i in page.items} == expected, (persona, label, q)


def test_a_page_of_the_list_or_a_search_is_one_query_on_postgresql(sw):
    """The reader's principals, the candidates and the items with their organisation, agreement
    and template come in one statement on PostgreSQL, however many rows and principals; elsewhere
    (the roles, the candidates, the items) the count is the same for every reader."""
    for n in range(12):
        item = services.item_create(
            actor=sw.paula,
            title=f"Report extra {n}",
            organisation=sw.police,
            category="Safeguarding",
            label=TLP.AMBER,
            agreement=sw.agreement,
        )
        services.item_share(
            actor=sw.paula,
            item=item,
            grantee_kind=GranteeKind.ORGANISATION,
            grantee_id=sw.world.org.pk,
            reason="r",
            confirmed=True,
        )
    counts = set()
    for user in (sw.mona, sw.rita, sw.nina, sw.paula):
        for q in ("", "report"):
            forget(user)
            first = selectors.item_page_visible_to(user, q=q, limit=5)
            forget(user)  # roles unread, as in a new request
            with CaptureQueriesContext(connection) as ctx:
                page = selectors.item_page_visible_to(user, q=q, cursor=first.next_cursor, limit=5)
                assert all(i.organisation.name and i.agreement for i in page.items)
                assert all(i.template is None for i in page.items)
            counts.add(len(ctx.captured_queries))
    assert counts == {1} if connection.vendor == "postgresql" else len(counts) == 1

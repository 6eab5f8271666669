"""Property: after any sequence of grants, revokes, membership changes (organisations; committee
seats taken, taken from a later date, ended), label changes, grant expiries and retention expiries,
for every persona the items listed = the items a search finds = the items whose detail opens = the
rule = the visibility table = the same rule stated from the grants."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordination.models import CommitteeMembership
from core.permissions import forget, visible
from infosharing import permissions as perms
from infosharing import selectors, services
from infosharing.models import TLP, InformationItem, ItemGrant
from stakeholders.models import OrganisationMembership, Person
from tests.coordination.factories import CommitteeFactory, CommitteeMembershipFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["paula", "pete", "mona", "rita", "ollie", "nina", "sana", "admin"]
ORGS = ["police", "org", "women", "other_org"]

op = st.one_of(
    st.tuples(
        st.just("grant"),
        st.integers(0, 4),
        st.sampled_from(["organisation", "user", "committee"]),
        st.integers(0, 7),
        st.booleans(),
    ),
    st.tuples(st.just("revoke"), st.integers(0, 50)),
    st.tuples(st.just("join"), st.integers(0, 7), st.integers(0, 3)),
    st.tuples(st.just("leave"), st.integers(0, 7), st.integers(0, 3)),
    st.tuples(st.just("seat"), st.integers(0, 7), st.booleans()),
    st.tuples(st.just("unseat"), st.integers(0, 7)),
    st.tuples(st.just("relabel"), st.integers(0, 4), st.sampled_from(TLP.values)),
    st.tuples(
        st.just("tick"),
    ),
    st.tuples(st.just("retention"), st.integers(0, 4)),
)


def _org(sw, i):  # type: ignore[no-untyped-def]
    name = ORGS[i]
    return getattr(sw.world, name) if name in ("org", "other_org") else getattr(sw, name)


def _all_listed(user, q: str = "") -> set[int]:  # type: ignore[no-untyped-def]
    out: set[int] = set()
    cursor = None
    for _ in range(20):
        page = selectors.item_page_visible_to(user, cursor=cursor, q=q, limit=2)
        out |= {i.pk for i in page.items}
        cursor = page.next_cursor
        if not cursor:
            break
    return out


def _openable(user, ids) -> set[int]:  # type: ignore[no-untyped-def]
    ok = set()
    for pk in ids:
        try:
            selectors.item_get_for_user(user, pk)
            ok.add(pk)
        except Http404:
            pass
    return ok


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(ops=st.lists(op, min_size=1, max_size=12))
def test_listed_openable_rule_and_table_agree(sw, ops):
    if not getattr(sw, "committee", None):
        sw.committee = CommitteeFactory(name="Harbour TLCC", jurisdiction=sw.world.city)
        sw.agreement.client_committees.add(sw.committee)
        CommitteeMembershipFactory(
            committee=sw.committee, organisation=sw.women, person=PersonFactory(full_name="Nina", user=sw.nina)
        )
    items = list(sw.items.values())
    users = [getattr(sw, p) for p in PERSONAS]
    clock = [timezone.now()]

    with mock.patch("django.utils.timezone.now", lambda: clock[0]), transaction.atomic():
        for step in ops:
            kind = step[0]
            try:
                with transaction.atomic():
                    if kind == "grant":
                        _, i, gkind, who, expiring = step
                        gid = {
                            "organisation": lambda: _org(sw, who % 4).pk,
                            "user": lambda: users[who].pk,
                            "committee": lambda: sw.committee.pk,
                        }[gkind]()
                        services.item_share(
                            actor=sw.paula,
                            item=items[i],
                            grantee_kind=gkind,
                            grantee_id=gid,
                            reason="p",
                            confirmed=True,
                            expires_at=clock[0] + timedelta(minutes=30) if expiring else None,
                        )
                    elif kind == "revoke":
                        grants = list(ItemGrant.objects.filter(revoked_at__isnull=True).order_by("pk"))
                        if grants:
                            services.grant_revoke(actor=sw.sana, grant=grants[step[1] % len(grants)], reason="p")
                    elif kind == "join":
                        OrganisationMembership.objects.get_or_create(
                            user=users[step[1]], organisation=_org(sw, step[2])
                        )
                    elif kind == "leave":
                        OrganisationMembership.objects.filter(
                            user=users[step[1]], organisation=_org(sw, step[2])
                        ).delete()
                        if step[2] == 3:
                            CommitteeMembership.objects.filter(person__user=users[step[1]]).delete()
                    elif kind == "seat":
                        # a seat on the committee, in force at once or only from tomorrow
                        _, who, later = step
                        person = Person.objects.filter(user=users[who]).first() or PersonFactory(user=users[who])
                        open_seat = CommitteeMembership.objects.filter(
                            person=person, committee=sw.committee, end_date__isnull=True
                        )
                        if not open_seat.exists():
                            CommitteeMembershipFactory(
                                committee=sw.committee,
                                organisation=sw.women,
                                person=person,
                                start_date=timezone.localdate() + timedelta(days=1) if later else None,
                            )
                    elif kind == "unseat":
                        # the user's seats end yesterday (the rows stay, no longer in force)
                        CommitteeMembership.objects.filter(person__user=users[step[1]]).update(
                            start_date=None, end_date=timezone.localdate() - timedelta(days=1)
                        )
                    elif kind == "relabel":
                        services.item_relabel(actor=sw.paula, item=items[step[1]], label=step[2], reason="p")
                    elif kind == "tick":
                        clock[0] = clock[0] + timedelta(minutes=45)
                    elif kind == "retention":
                        InformationItem.objects.filter(pk=items[step[1]].pk).update(
                            retention_until=timezone.localdate() - timedelta(days=1)
                        )
                        services.items_expire_due()
            except (ValidationError, PermissionDenied, Http404):
                pass
            for it in items:
                it.refresh_from_db()

        all_ids = set(InformationItem.objects.values_list("pk", flat=True))
        for user in users:
            forget(user)
            listed = _all_listed(user)
            forget(user)
            # every item's title is "Report <label>": a search for it finds what the list shows
            searched = _all_listed(user, q="report")
            forget(user)
            openable = _openable(user, all_ids)
            rule = set(visible(user, InformationItem).values_list("pk", flat=True))
            table = set(perms.visibility_rows(user).values_list("item_id", flat=True))
            from_grants = set(
                InformationItem.objects.filter(perms.item_ids_from_grants(user)).values_list("pk", flat=True)
            )
            assert listed == searched == openable == rule == table == from_grants, (user.email, ops)
        transaction.set_rollback(True)

"""Rule answers shared across requests and compiled once (ADR 0015).

An answer is reused only while every role value its build read is unchanged, and never when it
holds a moment in time or its build ran a query of its own. That the compiled SQL gives the rule's
rows is tested over every rule in tests/actionplans/test_compiled_answers.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import grants
from core import permissions as perms
from core.models import User
from core.permissions import Rule, rules, shared_answers, visible
from stakeholders.models import JurisdictionRole, Organisation, OrganisationGrant
from tests.factories import JurisdictionFactory, JurisdictionRoleFactory, OrganisationFactory


def fresh(user: User) -> User:
    """A new user object, as each request has: nothing cached on it."""
    return User.objects.get(pk=user.pk)


def seen(user: User) -> set[int]:
    return set(visible(fresh(user), Organisation).values_list("pk", flat=True))


@pytest.fixture
def counted(monkeypatch):  # type: ignore[no-untyped-def]
    """The Organisation "view" rule with a count of its builds."""
    shared_answers.clear()
    key = (Organisation, "view")
    original = rules._rules[key]
    calls = []

    def func(user: User):  # type: ignore[no-untyped-def]
        calls.append(user.pk)
        return original.func(user)

    monkeypatch.setitem(rules._rules, key, Rule(Organisation, "view", func))
    yield calls
    shared_answers.clear()  # nothing built by the stand-in outlives the test


def test_an_answer_is_built_once_for_the_same_roles(world, counted) -> None:  # type: ignore[no-untyped-def]
    first = seen(world.alice)
    assert seen(world.alice) == first and seen(world.alice) == first
    assert counted == [world.alice.pk]
    seen(world.mona)
    assert counted == [world.alice.pk, world.mona.pk]  # one per user: never another user's answer


def test_a_role_given_or_taken_changes_the_answer_on_the_next_request(world, counted) -> None:  # type: ignore[no-untyped-def]
    hidden = OrganisationFactory(name="Closed Shelter", jurisdiction=world.other_district, is_active=False)
    assert hidden.pk not in seen(world.charlie)
    role = JurisdictionRoleFactory(
        user=world.charlie, jurisdiction=world.other_district, role=JurisdictionRole.Role.COORDINATOR
    )
    assert hidden.pk in seen(world.charlie)
    role.delete()
    assert hidden.pk not in seen(world.charlie)
    assert len(counted) == 3


def test_a_new_part_of_the_subtree_is_seen_at_once(world, counted) -> None:  # type: ignore[no-untyped-def]
    """The coordinator's subtree ids are written into the answer: a new district below changes
    them, so the answer built before is not reused."""
    assert seen(world.alice)
    ward = JurisdictionFactory(name="New Ward", parent=world.city)
    closed = OrganisationFactory(name="Ward Club", jurisdiction=ward, is_active=False)
    assert closed.pk in seen(world.alice)
    assert len(counted) == 2


def test_a_grant_expiring_or_revoked_takes_effect_with_the_shared_answer(world, counted) -> None:  # type: ignore[no-untyped-def]
    hidden = OrganisationFactory(name="Closed Shelter", jurisdiction=world.other_district, is_active=False)
    grant = grants.grant_create(
        actor=world.admin,
        grant_model=OrganisationGrant,
        target=hidden,
        permission="view",
        grantee_kind="user",
        grantee_id=world.charlie.pk,
        reason="Joint case review",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert hidden.pk in seen(world.charlie)
    OrganisationGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert hidden.pk not in seen(world.charlie)
    OrganisationGrant.objects.filter(pk=grant.pk).update(expires_at=None)
    assert hidden.pk in seen(world.charlie)
    grants.grant_revoke(actor=world.admin, grant=OrganisationGrant.objects.get(pk=grant.pk), reason="Closed")
    assert hidden.pk not in seen(world.charlie)
    assert counted == [world.charlie.pk]  # the grant is read by the database each time


def test_reusing_an_answer_reads_the_roles_the_build_read(world, counted) -> None:  # type: ignore[no-untyped-def]
    """A request that reuses an answer runs the queries a build would have (the roles), no fewer and
    no more: query budgets do not depend on what another request left behind."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            seen(world.alice)
        return len(ctx.captured_queries)

    shared_answers.clear()
    built = queries()
    assert queries() == built and len(counted) == 1


@pytest.fixture
def _forget_shared():  # type: ignore[no-untyped-def]
    yield
    shared_answers.clear()


@pytest.mark.usefixtures("_forget_shared")
def test_an_answer_holding_a_moment_is_kept_for_the_request_only(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    moment = timezone.now()
    assert perms.holds_a_time(Q(expires_at__gt=moment))
    assert perms.holds_a_time(Q(pk__in=OrganisationGrant.objects.filter(expires_at__gt=moment).values("target_id")))
    assert not perms.holds_a_time(Q(pk__in=OrganisationGrant.objects.filter(expires_at__gt=Now()).values("target_id")))
    assert not perms.holds_a_time(grants.granted_q(world.alice, OrganisationGrant, "view"))

    key = (Organisation, "view")
    calls = []

    def func(user: User) -> Q:
        calls.append(user.pk)
        return Q(is_active=True) | Q(created_at__gt=timezone.now())

    monkeypatch.setitem(rules._rules, key, Rule(Organisation, "view", func))
    shared_answers.clear()
    seen(world.mona)
    seen(world.mona)
    assert len(calls) == 2


@pytest.mark.usefixtures("_forget_shared")
def test_an_answer_whose_build_ran_a_query_is_not_shared(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    key = (Organisation, "view")
    calls = []

    def func(user: User) -> Q:
        calls.append(user.pk)
        newest = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first()  # read now
        return Q(pk=newest)

    monkeypatch.setitem(rules._rules, key, Rule(Organisation, "view", func))
    shared_answers.clear()
    assert seen(world.mona) == seen(world.mona)
    assert len(calls) == 2
    newer = OrganisationFactory(name="Newest Club", jurisdiction=world.city)
    assert seen(world.mona) == {newer.pk}


def test_lists_are_filtered_by_the_compiled_answer(world) -> None:  # type: ignore[no-untyped-def]
    """The second request of a user pastes the compiled SQL in; the rows are those of the rule."""
    shared_answers.clear()
    plain = rules.q(fresh(world.alice), Organisation, "view")
    for _ in range(2):
        qs = visible(fresh(world.alice), Organisation)
        assert "RuleCondition" in repr(qs.query.where)
        assert set(qs) == set(Organisation.objects.filter(plain))


def test_joining_or_leaving_an_organisation_changes_the_answer(world) -> None:  # type: ignore[no-untyped-def]
    """Organisation memberships reach the answers as (organisation, role, name) tuples: a new one,
    one taken away or one whose role changes is a new set of roles."""
    from stakeholders.models import OrganisationMembership, Person
    from tests.factories import OrganisationMembershipFactory, PersonFactory, PositionFactory

    shared_answers.clear()
    former = PersonFactory(full_name="Former Officer")
    PositionFactory(
        person=former,
        organisation=world.other_org,
        start_date=timezone.localdate() - timedelta(days=400),
        end_date=timezone.localdate() - timedelta(days=30),
    )

    def people(user: User) -> set[int]:
        return set(visible(fresh(user), Person).values_list("pk", flat=True))

    assert former.pk not in people(world.charlie)
    membership = OrganisationMembershipFactory(
        user=world.charlie, organisation=world.other_org, role=OrganisationMembership.Role.MEMBER
    )
    assert former.pk in people(world.charlie)
    membership.delete()
    assert former.pk not in people(world.charlie)

"""Each organisation's stored due list (``actionplans.duelist``, ADR 0010) holds exactly the open
actions it leads or partners, with their due dates, whatever writes them: the services, plain model
saves (the admin, the demo), partners added and removed, deletions; and "my actions", read from
those lists, pages through exactly its definition, forwards and back, whatever the ties."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionplans import selectors, services
from actionplans.duelist import due_list_expected, due_list_refresh
from actionplans.models import Action, ActionPartner, DueListEntry
from core.pagination import keyset_union_page
from core.permissions import forget
from tests.actionplans.expected import my_actions_by_definition
from tests.factories import OrganisationFactory, OrganisationMembershipFactory, PersonFactory


def _stored() -> set[tuple[int, int, object]]:
    return set(DueListEntry.objects.values_list("organisation_id", "action_id", "planned_end"))


def _in_step() -> None:
    assert _stored() == due_list_expected()


def test_the_services_keep_every_due_list_in_step(pw) -> None:  # type: ignore[no-untyped-def]
    _in_step()
    assert (pw.org.pk, pw.a1.pk, pw.a1.planned_end) in _stored()
    third = OrganisationFactory(name="Harbour Mosque Council", jurisdiction=pw.city)
    action = services.action_update(
        actor=pw.alice,
        action=pw.a1,
        partners=[(pw.other_org, ActionPartner.Role.FUNDING), (third, ActionPartner.Role.IMPLEMENTING)],
    )
    _in_step()
    assert {o for o, a, _ in _stored() if a == action.pk} == {pw.org.pk, pw.other_org.pk, third.pk}

    later = action.planned_end + timedelta(days=9)
    action = services.action_update(actor=pw.alice, action=action, planned_end=later)
    _in_step()
    assert {d for _, a, d in _stored() if a == action.pk} == {later}

    action = services.action_update(actor=pw.alice, action=action, lead_organisation=third, partners=[])
    _in_step()
    assert {o for o, a, _ in _stored() if a == action.pk} == {third.pk}

    action = services.action_update(actor=pw.alice, action=action, status=Action.Status.COMPLETED)
    _in_step()
    assert not DueListEntry.objects.filter(action=action).exists()
    action = services.action_update(actor=pw.alice, action=action, status=Action.Status.SUSPENDED)
    _in_step()
    assert DueListEntry.objects.filter(action=action).exists()  # suspended is still open

    services.action_update(actor=pw.alice, action=pw.a2, status=Action.Status.CANCELLED)
    _in_step()
    lesson = services.lesson_record(actor=pw.alice, plan=pw.plan, text="Mentors need a helpline")
    new = services.lesson_to_action(
        actor=pw.alice,
        lesson=lesson,
        objective=pw.o1,
        lead_organisation=pw.other_org,
        planned_start=pw.today,
        planned_end=pw.today + timedelta(days=20),
    )
    _in_step()
    assert (pw.other_org.pk, new.pk, new.planned_end) in _stored()


def test_plain_saves_and_deletions_keep_them_too(pw) -> None:  # type: ignore[no-untyped-def]
    partner = ActionPartner.objects.create(action=pw.a2, organisation=pw.org, role=ActionPartner.Role.ACCOUNTABLE)
    _in_step()
    second_role = ActionPartner.objects.create(action=pw.a2, organisation=pw.org, role=ActionPartner.Role.FUNDING)
    partner.delete()
    _in_step()
    assert DueListEntry.objects.filter(action=pw.a2, organisation=pw.org).exists()  # still a partner
    second_role.delete()
    _in_step()
    assert not DueListEntry.objects.filter(action=pw.a2, organisation=pw.org).exists()

    pw.a1.planned_end += timedelta(days=3)
    pw.a1.save()
    _in_step()
    pw.a1.progress = 40
    pw.a1.save(update_fields=["progress"])  # nothing the lists depend on
    _in_step()

    ActionPartner.objects.create(action=pw.secret, organisation=pw.org, role=ActionPartner.Role.FUNDING)
    pw.secret.delete()  # its partners go with it, and nothing is written back for it
    _in_step()
    assert not DueListEntry.objects.filter(action_id=pw.secret.pk).exists()
    ActionPartner.objects.create(action=pw.a2, organisation=pw.org, role=ActionPartner.Role.FUNDING)
    Action.objects.filter(plan=pw.plan).delete()  # a plan's actions at once, partners with them
    _in_step()
    assert not DueListEntry.objects.filter(action__plan_id=pw.plan.pk).exists()


def test_refresh_brings_rows_written_around_the_models_in_step(pw) -> None:  # type: ignore[no-untyped-def]
    Action.objects.filter(pk=pw.a1.pk).update(status=Action.Status.COMPLETED)  # no signal
    Action.objects.filter(pk=pw.a2.pk).update(planned_end=pw.a2.planned_end + timedelta(days=1))
    assert _stored() != due_list_expected()
    assert due_list_refresh([pw.a1.pk]) == 1
    assert due_list_refresh() == 2  # the other one: its old entry out, the new one in
    _in_step()
    assert due_list_refresh() == 0


# --- "my actions" read from the due lists ----------------------------------------------------

action_row = st.tuples(
    st.integers(0, 3),  # due in so many days (ties)
    st.sampled_from([0, 1, 2]),  # lead: one of three organisations
    st.sets(st.sampled_from([0, 1, 2])),  # partners
    st.sampled_from(["planned", "in_progress", "suspended", "completed"]),
    st.sampled_from(["", "shared", "owned"]),
)


def _walk(user, size: int) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    """Every page of the user's "my actions" forwards from the start, then backwards from the end."""
    factory = RequestFactory()
    order = selectors.my_actions_order()

    def page(cursor: str):  # type: ignore[no-untyped-def]
        forget(user)
        request = factory.get("/plans/mine/", {"cursor": cursor} if cursor else {})
        return keyset_union_page(request, order, selectors.my_actions_sources(user), page_size=size)

    forward: list[int] = []
    cursor, last = "", ""
    while True:
        current = page(cursor)
        forward += [row["id"] for row in current.object_list]
        if not current.has_next:
            break
        last = cursor = current.next_cursor
    backward: list[int] = []
    current = page(last)
    backward = [row["id"] for row in current.object_list]
    while current.has_previous:
        current = page(current.previous_cursor)
        backward = [row["id"] for row in current.object_list] + backward
    return forward, backward


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(rows=st.lists(action_row, max_size=9), size=st.integers(1, 3))
def test_my_actions_pages_through_its_definition(pw, rows, size) -> None:  # type: ignore[no-untyped-def]
    # Pete belongs to two of the three organisations: an action they both lead or partner is on two
    # of his due lists and listed once.
    with transaction.atomic():
        orgs = [pw.other_org, OrganisationFactory(jurisdiction=pw.city), OrganisationFactory(jurisdiction=pw.city)]
        OrganisationMembershipFactory(user=pw.pete, organisation=orgs[1])
        person = PersonFactory(user=pw.pete)
        Action.objects.filter(plan=pw.plan).delete()
        for due, lead, partners, status, how in rows:
            action = Action.objects.create(
                plan=pw.plan,
                objective=pw.o1,
                title="Action",
                lead_organisation=orgs[lead],
                planned_start=pw.today,
                planned_end=pw.today + timedelta(days=due),
                status=status,
                owner=person if how == "owned" else None,
            )
            for p in partners:
                ActionPartner.objects.create(action=action, organisation=orgs[p], role=ActionPartner.Role.FUNDING)
            if how == "shared":
                services.action_share(
                    actor=pw.admin,
                    action=action,
                    grantee_kind="user",
                    grantee_id=pw.pete.pk,
                    permission="view",
                    reason="Joint review",
                )
        expected = my_actions_by_definition(pw.pete)
        forward, backward = _walk(pw.pete, size)
        assert forward == expected
        assert backward == expected
        assert [a.pk for a in selectors.my_actions(pw.pete, limit=size)] == expected[:size]
        transaction.set_rollback(True)


@pytest.mark.parametrize("who", ["pete", "mona", "mike", "charlie", "admin"])
def test_the_page_lists_the_first_of_the_definition(pw, client_for, who) -> None:  # type: ignore[no-untyped-def]
    ActionPartner.objects.create(action=pw.a2, organisation=pw.org, role=ActionPartner.Role.IMPLEMENTING)
    user = getattr(pw, who)
    page = client_for(user).get(reverse("actionplans:my-actions"))
    assert page.status_code == 200
    assert [a.pk for a in page.context["actions"]] == my_actions_by_definition(user)[:50]


def test_an_action_saved_with_its_partners_refreshes_its_lists_once(pw) -> None:  # type: ignore[no-untyped-def]
    def due_list_reads(partners: int) -> int:
        orgs = [OrganisationFactory(jurisdiction=pw.city) for _ in range(partners)]
        with CaptureQueriesContext(connection) as ctx:
            services.action_update(
                actor=pw.alice, action=pw.a1, partners=[(o, ActionPartner.Role.FUNDING) for o in orgs]
            )
        _in_step()
        table = DueListEntry._meta.db_table
        return sum(q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"] for q in ctx.captured_queries)

    assert due_list_reads(1) == due_list_reads(5) == 1  # one read of the action's entries

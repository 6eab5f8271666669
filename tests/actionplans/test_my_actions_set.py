"""'My actions' holds exactly the open actions of the user's organisations (as lead or partner),
those shared with them, and those they own, that the action rule lets them see: the selector reads
the first from the organisations' due lists and narrows only the owned ones by the rule (ADR 0010)."""

from __future__ import annotations

from datetime import timedelta

from actionplans import selectors, services
from actionplans.models import Action, ActionPartner
from core.permissions import allows, forget
from tests.actionplans.expected import my_actions_by_definition
from tests.factories import JurisdictionFactory, OrganisationFactory, PersonFactory

PERSONAS = ("admin", "alice", "olga", "mona", "pete", "mike", "bob", "nora", "charlie")


def _expected(user) -> set[int]:  # type: ignore[no-untyped-def]
    return set(my_actions_by_definition(user))


def _mine(user) -> set[int]:  # type: ignore[no-untyped-def]
    forget(user)
    return {a.pk for a in selectors.my_actions(user, limit=1000)}


def test_my_actions_is_the_users_involvement_within_the_rule(pw) -> None:  # type: ignore[no-untyped-def]
    # Pete owns an action of a plan he cannot otherwise open (a plan of another district, led by an
    # organisation he is not in): owning it does not show it. Mike owns an action of the committee's
    # plan he reads as a member: it is his. Mona's organisation partners the Interfaith forum.
    elsewhere = JurisdictionFactory(name="Far District", parent=pw.country)
    far_org = OrganisationFactory(name="Far Youth Club", jurisdiction=elsewhere)
    far_plan = services.plan_create(
        actor=pw.admin,
        title="Far District Plan",
        jurisdiction=elsewhere,
        period_start=pw.today - timedelta(days=10),
        period_end=pw.today + timedelta(days=100),
    )
    far_objective = services.objective_create(actor=pw.admin, plan=far_plan, code="F1", title="Youth")
    far = services.action_create(
        actor=pw.admin,
        plan=far_plan,
        objective=far_objective,
        title="Far mentoring",
        lead_organisation=far_org,
        planned_start=pw.today,
        planned_end=pw.today + timedelta(days=30),
    )
    pete_person = PersonFactory(full_name="Pete Partner", user=pw.pete)
    mike_person = pw.mike.person if hasattr(pw.mike, "person") else PersonFactory(user=pw.mike)
    Action.objects.filter(pk=far.pk).update(owner=pete_person)
    Action.objects.filter(pk=pw.secret.pk).update(owner=mike_person)
    ActionPartner.objects.create(action=pw.a2, organisation=pw.org, role=ActionPartner.Role.IMPLEMENTING)

    for name in PERSONAS:
        user = getattr(pw, name)
        assert _mine(user) == _expected(user), name
    assert far.pk not in _mine(pw.pete) and not allows(pw.pete, far)
    assert pw.secret.pk in _mine(pw.mike)
    assert pw.a2.pk in _mine(pw.mona) and pw.a2.pk in _mine(pw.pete)
    assert _mine(pw.charlie) == set()
    # The far district's coordinator-free plan: its owner sees it once the platform admin owns it.
    Action.objects.filter(pk=far.pk).update(owner=PersonFactory(user=pw.admin))
    assert far.pk in _mine(pw.admin)

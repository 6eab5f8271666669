"""The actions API's first page narrows only the filters a request uses (a hot list), and still
answers an invisible id like a missing one; a national reader's list (a large subtree, matched by
path row by row) holds exactly the rows of the plans below; the roll-up reads one permission query
for all its lines and as many queries whatever the depth of linked plans."""

from __future__ import annotations

from typing import cast

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans import selectors
from stakeholders.models import Organisation
from tests.factories import OrganisationFactory


def test_a_filter_by_an_invisible_organisation_answers_like_a_missing_one(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    hidden = cast(Organisation, OrganisationFactory(name="Dormant", jurisdiction=pw.other_district, is_active=False))
    url = reverse("api:action-list")
    hidden_answer = api_for(pw.mona).get(url, {"lead_organisation": hidden.pk})
    missing_answer = api_for(pw.mona).get(url, {"lead_organisation": 999_999})
    assert hidden_answer.status_code == missing_answer.status_code == 400
    assert hidden_answer.json() == {
        k: [m.replace("999999", str(hidden.pk)) for m in v] for k, v in missing_answer.json().items()
    }
    mine = api_for(pw.mona).get(url, {"lead_organisation": pw.org.pk})
    assert [a["title"] for a in mine.json()["results"]] == ["Youth dialogue series"]


def test_unfiltered_first_page_builds_no_visible_set_per_filter(pw, api_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from core.permissions import visible as original

    built: list[str] = []

    def spy(user, model, action="view"):  # type: ignore[no-untyped-def]
        built.append(model.__name__)
        return original(user, model, action)

    monkeypatch.setattr("core.api.filters.visible", spy)
    assert api_for(pw.alice).get(reverse("api:action-list")).status_code == 200
    assert "Organisation" not in built and "Objective" not in built, built
    built.clear()
    assert api_for(pw.alice).get(reverse("api:action-list"), {"objective": pw.o1.pk}).status_code == 200
    assert "Objective" in built


def test_roll_up_lines_and_listed_places_follow_visibility(pw) -> None:  # type: ignore[no-untyped-def]
    assert selectors.plan_rollup(pw.charlie, pw.national) == []
    with CaptureQueriesContext(connection) as ctx:
        [line] = selectors.plan_rollup(pw.nora, pw.national)
    assert line.indicator.code == "N1"
    assert [c.indicator.code for c in line.children] == ["I1"]  # the aggregate counts every linked place
    assert [c.indicator.code for c in line.visible_children] == ["I1"]  # listed: what she may see
    assert [c.indicator.plan.title for c in line.children] == ["Harbour City Action Plan"]
    assert len(ctx.captured_queries) <= 12


def _large_country(pw) -> None:  # type: ignore[no-untyped-def]
    """More jurisdictions under the country than ``SMALL_SUBTREE``: a national reader's subtree is
    then matched by path on each row read, not by the ids read with the roles."""
    from stakeholders.models import Jurisdiction
    from stakeholders.permissions import SMALL_SUBTREE

    Jurisdiction.objects.bulk_create(
        Jurisdiction(
            name=f"Ward {i}", code=f"RU-W{i}", level="ward", parent=pw.district, path=f"{pw.district.path}9{i:04d}/"
        )
        for i in range(SMALL_SUBTREE + 1)
    )


def test_a_national_reader_of_a_large_country_sees_exactly_the_actions_of_its_plans(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    from actionplans import services
    from core.models import User
    from stakeholders.models import Jurisdiction, JurisdictionRole
    from stakeholders.permissions import scopes_for
    from tests.factories import JurisdictionFactory, JurisdictionRoleFactory, UserFactory

    _large_country(pw)

    def plan_with_action(jurisdiction, title, action_title, **extra):  # type: ignore[no-untyped-def]
        plan = services.plan_create(
            actor=pw.admin, title=title, jurisdiction=jurisdiction, period_start=pw.today, period_end=pw.today, **extra
        )
        objective = services.objective_create(actor=pw.admin, plan=plan, code="O1", title="Objective")
        services.action_create(
            actor=pw.admin,
            plan=plan,
            objective=objective,
            title=action_title,
            lead_organisation=pw.other_org,
            planned_start=pw.today,
            planned_end=pw.today,
        )

    plan_with_action(JurisdictionFactory(name="Elsewhere", code="EL", level="national"), "Foreign plan", "Abroad")
    ward = Jurisdiction.objects.get(code="RU-W7")
    plan_with_action(ward, "Ward plan", "In a local-only ward plan", local_only=True)
    coordinator = cast(User, UserFactory(email="cora@example.org"))
    JurisdictionRoleFactory(user=coordinator, jurisdiction=pw.country, role=JurisdictionRole.Role.COORDINATOR)
    assert pw.country.path not in scopes_for(User.objects.get(pk=coordinator.pk)).subtree_ids  # the large form

    def titles(user: User) -> set[str]:
        fresh = User.objects.get(pk=user.pk)  # roles read afresh, as in a request
        return {a["title"] for a in api_for(fresh).get(reverse("api:action-list")).json()["results"]}

    everything_here = {"Youth dialogue series", "Interfaith forum", "Local-only mentoring", "In a local-only ward plan"}
    assert titles(coordinator) == everything_here
    assert titles(pw.nora) == {"Youth dialogue series", "Interfaith forum"}  # a liaison: nothing local-only
    assert titles(pw.alice) == everything_here  # the district's coordinator: the wards are hers too
    assert "Abroad" not in titles(pw.nora) | titles(coordinator)


def test_roll_up_reads_as_many_queries_whatever_the_depth_of_linked_plans(pw) -> None:  # type: ignore[no-untyped-def]
    from actionplans import services

    nora = type(pw.nora).objects.get(pk=pw.nora.pk)
    with CaptureQueriesContext(connection) as ctx:
        [line] = selectors.plan_rollup(nora, pw.national)
    one_level = len(ctx.captured_queries)
    parent, parent_plan = pw.ind, pw.plan
    for depth in range(3):  # three more levels of linked plans below the city's
        child_plan = services.plan_create(
            actor=pw.admin,
            title=f"Below {depth}",
            jurisdiction=pw.city,
            parent=parent_plan,
            period_start=pw.today,
            period_end=pw.today,
        )
        parent = services.indicator_create(
            actor=pw.admin, plan=child_plan, code=f"L{depth}", name="Trained", cumulative=True, parent=parent
        )
        parent_plan = child_plan
    nora = type(pw.nora).objects.get(pk=pw.nora.pk)
    with CaptureQueriesContext(connection) as ctx:
        [line] = selectors.plan_rollup(nora, pw.national)
    assert len(ctx.captured_queries) == one_level
    [city] = line.children
    assert [c.indicator.code for c in city.children] == ["L0"]
    assert [c.indicator.code for c in city.children[0].children] == ["L1"]

"""The action-plan lists that grow with data page by keyset (core.pagination, ADR 0014): walking
every page by its next links gives each row the user may see exactly once, in the list's order, and
nothing else; no page issues an ``OFFSET`` or an uncapped ``COUNT``; the queries of a page do not
grow with the rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans import dashboard, selectors, services
from actionplans.models import Action, ActionPlan, Indicator, ProgressUpdate
from core import pagination
from core.permissions import forget, visible
from tests.actionplans.expected import my_actions_by_definition
from tests.keyset import assert_keyset_sql, walk_api, walk_pages

pytestmark = pytest.mark.django_db

PLANS = ActionPlan._meta.db_table
ACTIONS = Action._meta.db_table
INDICATORS = Indicator._meta.db_table
UPDATES = ProgressUpdate._meta.db_table


def _plans(pw: Any, n: int, *, start: int = 0) -> None:
    """``n`` plans in the city (ties on the start date and on the title) and one in the other
    district that the city's people may not see."""
    for i in range(start, start + n):
        services.plan_create(
            actor=pw.alice,
            title=f"Plan {i % 3}",
            jurisdiction=pw.city,
            period_start=pw.today - timedelta(days=30 * (i % 2)),
            period_end=pw.today + timedelta(days=300),
        )
    services.plan_create(
        actor=pw.admin,
        title="Plan 0",
        jurisdiction=pw.other_district,
        period_start=pw.today,
        period_end=pw.today + timedelta(days=300),
    )


def _actions(pw: Any, n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        services.action_create(
            actor=pw.alice,
            plan=pw.plan,
            objective=pw.o1,
            title=f"Action {i}",
            lead_organisation=pw.org if i % 2 else pw.other_org,
            planned_start=pw.today - timedelta(days=40),
            planned_end=pw.today + timedelta(days=i % 3),  # ties on the due date
        )


def _indicators(pw: Any, n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        services.indicator_create(actor=pw.alice, plan=pw.plan, code=f"K{i:02d}", name=f"Indicator {i}")
        services.indicator_create(actor=pw.admin, plan=pw.national, code=f"K{i:02d}", name=f"National {i}")


def _reports(pw: Any, n: int, *, start: int = 0, submit: bool = True) -> list[ProgressUpdate]:
    out = []
    for i in range(start, start + n):
        day = pw.today - timedelta(days=45 - i)
        update = services.progress_update_create(
            actor=pw.mona, action=pw.a1, period_start=day, period_end=day, narrative=f"report {i}", progress=i
        )
        out.append(services.progress_update_submit(actor=pw.mona, update=update) if submit else update)
    return out


def _ids(qs: Any) -> list[int]:
    return list(qs.values_list("pk", flat=True))


# --- the plan list page ----------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_plan_list_pages_walk_every_visible_plan_once(pw, client_for, htmx) -> None:  # type: ignore[no-untyped-def]
    _plans(pw, 30)
    expected = _ids(selectors.plan_list_visible_to(pw.alice))
    hidden = _ids(ActionPlan.objects.filter(jurisdiction=pw.other_district))
    assert len(expected) >= 30 and hidden and not set(expected) & set(hidden)
    url = reverse("actionplans:plan-list")
    ids, counts, _links = walk_pages(
        client_for(pw.alice), url, lambda r: r.context["page"].object_list, table=PLANS, htmx=htmx
    )
    assert ids == expected  # each once, in the list's order (period start, newest first; then title)
    assert len(counts) == -(-len(expected) // 25) and len(set(counts)) == 1


def test_plan_list_next_links_keep_the_filters(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    _plans(pw, 90)
    url = reverse("actionplans:plan-list")
    ids, _counts, links = walk_pages(
        client_for(pw.alice),
        url,
        lambda r: r.context["page"].object_list,
        table=PLANS,
        query="q=Plan+1&status=draft",
        htmx=True,
    )
    assert ids == _ids(selectors.plan_list_visible_to(pw.alice, q="Plan 1", status="draft"))
    assert len(ids) == 30 and links and all("q=Plan+1" in link and "status=draft" in link for link in links)


def test_plan_list_shows_a_capped_total(pw, client_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    _plans(pw, 4)
    page = client_for(pw.alice).get(reverse("actionplans:plan-list")).content.decode()
    assert "More than <bdi>5</bdi> action plans" in page
    monkeypatch.setattr(pagination, "COUNT_CAP", 1000)
    total = len(_ids(selectors.plan_list_visible_to(pw.alice)))
    page = client_for(pw.alice).get(reverse("actionplans:plan-list")).content.decode()
    assert f"{total} action plans" in page


def test_plan_list_queries_do_not_grow_with_the_plans(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:plan-list")

    def queries() -> list[int]:
        forget(pw.alice)
        return walk_pages(client_for(pw.alice), url, lambda r: r.context["page"].object_list, table=PLANS)[1]

    _plans(pw, 26)
    small = queries()
    _plans(pw, 60, start=26)
    large = queries()
    assert len(large) == 4 and set(large) == set(small)


# --- the API lists ---------------------------------------------------------------------------


def test_api_plans_walk_every_visible_plan_once(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    _plans(pw, 12)
    for user in (pw.alice, pw.mona, pw.nora):
        expected = _ids(visible(user, ActionPlan).order_by("-period_start", "title", "id"))
        ids, counts = walk_api(api_for(user), reverse("api:action-plan-list"), {"page_size": 5}, table=PLANS)
        assert ids == expected, user
        assert len(set(counts[1:])) <= 1
    by_title, _ = walk_api(
        api_for(pw.alice), reverse("api:action-plan-list"), {"page_size": 4, "ordering": "title"}, table=PLANS
    )
    assert by_title == _ids(visible(pw.alice, ActionPlan).order_by("title", "id"))


def test_api_actions_walk_every_visible_action_once(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    _actions(pw, 11)
    for user in (pw.alice, pw.mona, pw.pete, pw.bob):
        expected = _ids(visible(user, Action).order_by("-id"))
        ids, _counts = walk_api(api_for(user), reverse("api:action-list"), {"page_size": 3}, table=ACTIONS)
        assert ids == expected, user
    assert pw.secret.pk not in walk_api(api_for(pw.bob), reverse("api:action-list"), {"page_size": 3}, table=ACTIONS)[0]
    filtered, _ = walk_api(
        api_for(pw.alice), reverse("api:action-list"), {"page_size": 2, "lead_organisation": pw.org.pk}, table=ACTIONS
    )
    assert filtered == _ids(visible(pw.alice, Action).filter(lead_organisation=pw.org).order_by("-id"))


def test_api_indicators_walk_every_visible_indicator_once(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    _indicators(pw, 7)
    for user in (pw.alice, pw.mona, pw.nora):
        expected = _ids(visible(user, Indicator).order_by("plan_id", "code"))
        ids, _counts = walk_api(api_for(user), reverse("api:indicator-list"), {"page_size": 4}, table=INDICATORS)
        assert ids == expected, user
    by_code, _ = walk_api(
        api_for(pw.nora), reverse("api:indicator-list"), {"page_size": 3, "ordering": "-code"}, table=INDICATORS
    )
    assert by_code == _ids(visible(pw.nora, Indicator).order_by("-code", "-id"))


def test_api_progress_updates_walk_every_visible_report_once(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    _reports(pw, 9)
    for user in (pw.alice, pw.mona, pw.pete):
        expected = _ids(visible(user, ProgressUpdate).order_by("-id"))
        ids, _counts = walk_api(api_for(user), reverse("api:progress-update-list"), {"page_size": 4}, table=UPDATES)
        assert ids == expected, user
    assert walk_api(api_for(pw.pete), reverse("api:progress-update-list"), table=UPDATES)[0] == []
    by_period, _ = walk_api(
        api_for(pw.alice),
        reverse("api:progress-update-list"),
        {"page_size": 2, "ordering": "period_start"},
        table=UPDATES,
    )
    assert by_period == _ids(visible(pw.alice, ProgressUpdate).order_by("period_start", "id"))


@pytest.mark.parametrize(
    ("url", "fill"),
    [
        ("api:action-plan-list", _plans),
        ("api:action-list", _actions),
        ("api:indicator-list", _indicators),
        ("api:progress-update-list", _reports),
    ],
)
def test_api_queries_do_not_grow_with_the_rows(pw, api_for, url, fill) -> None:  # type: ignore[no-untyped-def]
    def queries() -> list[int]:
        forget(pw.alice)
        return walk_api(api_for(pw.alice), reverse(url), {"page_size": 3}, table="actionplans")[1]

    fill(pw, 4)
    small = queries()
    fill(pw, 12, start=4)
    large = queries()
    assert len(large) > len(small) and max(large) == max(small)


def test_a_malformed_api_cursor_is_a_404_not_an_error(pw, api_for) -> None:  # type: ignore[no-untyped-def]
    assert api_for(pw.alice).get(reverse("api:action-list"), {"cursor": "bm9wZQ"}).status_code == 404


# --- my actions: three lists on one page -------------------------------------------------------


def test_my_actions_lists_walk_each_row_once(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    _actions(pw, 110)
    reports = _reports(pw, 25)
    for update in reports[:22]:
        services.progress_update_return(actor=pw.alice, update=update, note="add the attendance sheet")
    url = reverse("actionplans:my-actions")
    mine = my_actions_by_definition(pw.mona)
    assert len(mine) > 50 and pw.secret.pk not in mine
    ids, counts, _links = walk_pages(
        client_for(pw.mona), url, lambda r: r.context["actions"].object_list, table=ACTIONS
    )
    assert ids == mine and len(counts) == 2
    returned = _ids(selectors.my_returned_updates(pw.mona))
    ids, _counts, links = walk_pages(
        client_for(pw.mona), url, lambda r: r.context["returned"].object_list, table=UPDATES, param="returned"
    )
    assert ids == returned and len(returned) == 22 and links
    review = _ids(selectors.updates_to_review(pw.alice))
    ids, _counts, _links = walk_pages(
        client_for(pw.alice), url, lambda r: r.context["to_review"].object_list, table=UPDATES, param="review"
    )
    assert ids == review and len(review) == 3
    assert walk_pages(client_for(pw.charlie), url, lambda r: r.context["actions"].object_list, table=ACTIONS)[0] == []


def test_my_actions_paging_one_list_keeps_the_others_where_they_are(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    _actions(pw, 110)
    for update in _reports(pw, 25):
        services.progress_update_return(actor=pw.alice, update=update, note="again")
    c = client_for(pw.mona)
    url = reverse("actionplans:my-actions")
    first = c.get(url)
    second = c.get(url, {"cursor": first.context["actions"].next_cursor})
    returned = c.get(
        url, {"cursor": first.context["actions"].next_cursor, "returned": second.context["returned"].next_cursor}
    )
    assert [a.pk for a in returned.context["actions"]] == [a.pk for a in second.context["actions"]]
    assert [u.pk for u in returned.context["returned"]] != [u.pk for u in second.context["returned"]]
    assert all(hasattr(a, "report_due") and hasattr(a, "rag") for a in returned.context["actions"])


def test_my_actions_queries_do_not_grow_with_the_rows(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("actionplans:my-actions")

    def queries() -> int:
        forget(pw.mona)
        return walk_pages(client_for(pw.mona), url, lambda r: r.context["actions"].object_list, table=ACTIONS)[1][0]

    _actions(pw, 3)
    small = queries()
    _actions(pw, 110, start=3)
    assert queries() == small


def test_home_page_counts_reports_to_review_up_to_a_cap(pw, client_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _reports(pw, 3)
    page = client_for(pw.alice).get(reverse("home")).content.decode()
    assert "3 reports wait for your review." in page
    monkeypatch.setattr(dashboard, "REVIEW_CAP", 2)
    with CaptureQueriesContext(connection) as ctx:
        page = client_for(pw.alice).get(reverse("home")).content.decode()
    assert "More than <bdi>2</bdi> reports wait for your review." in page
    assert any(UPDATES.upper() in q["sql"].upper() and "COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
    monkeypatch.setattr("tests.keyset.COUNT_CAP", 2)
    assert_keyset_sql(ctx.captured_queries, UPDATES)  # the only count of the reports has LIMIT 3 in it

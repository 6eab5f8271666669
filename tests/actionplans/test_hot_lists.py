"""The actions API's first page narrows only the filters a request uses (a hot list), and still
answers an invisible id like a missing one; the roll-up reads one permission query for all its lines."""

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

"""Hot lists page by keyset (core.pagination): every visible row once, in the list's order, with
no COUNT(*) of the visible rows; the same number of queries whatever the page size and the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagination
from core.permissions import forget
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organisations/"
PEOPLE = "/api/v1/people/"


def _walk(client, url, **params):  # type: ignore[no-untyped-def]
    names, pages = [], 0
    body = client.get(url, params).json()
    while True:
        pages += 1
        assert "count" not in body
        names += [row.get("name") or row.get("full_name") for row in body["results"]]
        if not body["next"]:
            return names, pages
        body = client.get(body["next"]).json()


@pytest.mark.parametrize("rows", [3, 12])
def test_api_walks_every_visible_organisation_once_in_name_order(api_for, world, rows):
    for i in range(rows):
        OrganisationFactory(name=f"Org {i:02d}", jurisdiction=world.city)
    OrganisationFactory(name="Org hidden", jurisdiction=world.other_district, is_active=False)
    OrganisationFactory(name="Org 05", jurisdiction=world.other_district)  # a tie on the sort key
    names, pages = _walk(api_for(world.charlie), ORGS, page_size=2)
    expected = sorted([f"Org {i:02d}" for i in range(rows)] + ["Org 05", "Harbour Youth Forum", "South Police"])
    assert names == expected
    assert "Org hidden" not in names
    assert pages == (len(expected) + 1) // 2


def test_api_people_walk_backwards_and_forwards(api_for, world):
    for i in range(5):
        PositionFactory(person=PersonFactory(full_name=f"Person {i}"), organisation=world.org)
    c = api_for(world.charlie)
    first = c.get(PEOPLE, {"page_size": 2}).json()
    second = c.get(first["next"]).json()
    assert [p["full_name"] for p in second["results"]] == ["Person 2", "Person 3"]
    back = c.get(second["previous"]).json()
    assert back["results"] == first["results"]


@pytest.mark.parametrize("url", [ORGS, PEOPLE])
def test_api_queries_do_not_grow_with_page_size_or_rows(api_for, world, url):
    def queries(page_size: int) -> int:
        forget(world.alice)  # roles are cached on the user object the test client reuses
        c = api_for(world.alice)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url, {"page_size": page_size}).status_code == 200
        assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
        return len(ctx.captured_queries)

    def fill(n: int) -> None:
        for _ in range(n):
            organisation = OrganisationFactory(jurisdiction=world.city)
            PositionFactory(person=PersonFactory(jurisdiction=world.city), organisation=organisation)

    fill(4)
    small = queries(2)
    fill(30)
    assert queries(2) == small
    assert queries(40) == small


def test_page_shows_a_capped_total_and_pages_by_cursor(client_for, world, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    for i in range(30):
        OrganisationFactory(name=f"Org {i:02d}", jurisdiction=world.city)
    c = client_for(world.charlie)
    url = reverse("stakeholders:organisation-list")
    page = c.get(url)
    html = page.content.decode()
    assert "More than <bdi>5</bdi> organisations" in html
    assert "Page 1 of" not in html
    cursor = page.context["page"].next_cursor
    assert cursor
    second = c.get(url, {"cursor": cursor})
    first_names = [o.name for o in page.context["page"].object_list]
    second_names = [o.name for o in second.context["page"].object_list]
    assert (len(first_names), len(second_names)) == (25, 7)
    assert not set(first_names) & set(second_names)
    assert second_names[0] > first_names[-1]


def test_small_list_shows_its_exact_total(client_for, world):
    html = client_for(world.charlie).get(reverse("stakeholders:person-list")).content.decode()
    assert "0 people" in html or "people" in html
    page = client_for(world.charlie).get(reverse("stakeholders:organisation-list"))
    assert "2 organisations" in page.content.decode()
    assert not page.context["page"].has_other_pages


def test_a_stale_cursor_gives_the_first_page(client_for, world):
    page = client_for(world.charlie).get(reverse("coordination:committee-list"), {"cursor": "not-a-cursor"})
    assert page.status_code == 200
    assert not page.context["page"].has_previous

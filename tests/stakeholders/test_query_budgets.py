"""Query budgets of the registry's lists: the same number of queries for 3 rows as for 30."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    PositionFactory,
    ResourceOfferFactory,
    StakeholderMappingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[3, 30], ids=["3-rows", "30-rows"])
def filled(request, world):  # type: ignore[no-untyped-def]
    """``rows`` organisations in alice's city, each with two people, a partnership with the youth forum,
    a place on the district's stakeholder map and an offer."""
    for i in range(request.param):
        organisation = OrganisationFactory(jurisdiction=world.city, sector=world.civil, kind="youth")
        for _ in range(2):
            PositionFactory(person=PersonFactory(jurisdiction=world.city), organisation=organisation)
        PartnershipFactory(organisation=organisation, partner=world.org, kind="referral" if i % 2 else "mou")
        StakeholderMappingFactory(
            jurisdiction=world.district, organisation=organisation, influence=1 + i % 5, interest=1 + (i // 5) % 5
        )
        ResourceOfferFactory(organisation=organisation)
    return request.param


PAGES = [
    # (url name, args from world, budget)
    ("stakeholders:organisation-list", None, 12),
    ("stakeholders:person-list", None, 12),
    ("stakeholders:partnership-list", None, 12),
    ("stakeholders:offer-list", None, 12),
    ("stakeholders:mapping-list", "district", 12),
    ("stakeholders:mapping-grid", "district", 10),
    ("stakeholders:mapping-heatmap", "district", 12),
    ("stakeholders:organisation-detail", "org", 20),
]


@pytest.mark.parametrize(("name", "arg", "budget"), PAGES)
def test_page_query_budget(client_for, world, filled, django_assert_max_num_queries, name, arg, budget):
    url = reverse(name, args=[getattr(world, arg).pk] if arg else [])
    c = client_for(world.alice)
    with django_assert_max_num_queries(budget):
        assert c.get(url).status_code == 200


API = [
    ("/api/v1/organisations/", 8),
    ("/api/v1/people/", 10),
    ("/api/v1/positions/", 8),
    ("/api/v1/partnerships/", 8),
    ("/api/v1/stakeholder-mappings/", 8),
    ("/api/v1/resource-offers/", 8),
]


@pytest.mark.parametrize(("url", "budget"), API)
def test_api_query_budget(api_for, world, filled, django_assert_max_num_queries, url, budget):
    c = api_for(world.alice)
    with django_assert_max_num_queries(budget):
        response = c.get(url)
    assert response.status_code == 200
    body = response.json()
    rows = len(body["results"]) if "results" in body else 0
    assert body.get("count", rows) >= min(filled, 50)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_query_budget(client_for, world, filled, django_assert_max_num_queries, fmt):
    c = client_for(world.alice)
    with django_assert_max_num_queries(12):
        response = c.get(reverse("stakeholders:organisation-export", args=[fmt]))
        if fmt == "csv":
            assert b"".join(response.streaming_content).count(b"\n") == filled + 3  # header, world's two, rows
    with django_assert_max_num_queries(12):
        response = c.get(reverse("stakeholders:person-export", args=["csv"]))
        assert b"".join(response.streaming_content)


ROLE_LISTS = [
    ("api", "/api/v1/organisations/"),
    ("api", "/api/v1/people/"),
    ("page", "stakeholders:organisation-list"),
    ("page", "stakeholders:person-list"),
]


@pytest.mark.parametrize(("kind", "target"), ROLE_LISTS)
@pytest.mark.parametrize("persona", ["alice", "bob", "mona"])
def test_a_filtered_registry_list_reads_no_more_queries_than_the_platform_admins(
    client_for, api_for, world, filled, kind, target, persona
):
    """A coordinator, a liaison and an organisation member wait for no query the platform admin does
    not run: their roles come with their subtrees' ids in the one roles query (on PostgreSQL; other
    databases read the subtrees in one more), and grants to committees are asked inside the grant
    rule's own query, not by reading the user's committee seats first (ADR 0014)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(user):  # type: ignore[no-untyped-def]
        c = api_for(user) if kind == "api" else client_for(user)
        url = target if kind == "api" else reverse(target)
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        return len(queries)

    user = getattr(world, persona)
    extra = 1 if connection.vendor != "postgresql" and persona in ("alice", "bob") else 0
    assert count(user) <= count(world.admin) + extra

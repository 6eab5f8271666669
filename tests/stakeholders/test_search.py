"""Full-text search over organisations and people: PostgreSQL full-text search where the database is
PostgreSQL, a simpler match elsewhere; both go through the visibility selectors. CI runs this file on
PostgreSQL, the embedded default on SQLite, so each branch is exercised by the same expectations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from stakeholders import selectors
from stakeholders.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def names(qs) -> list[str]:  # type: ignore[no-untyped-def]
    return [getattr(o, "name", None) or o.full_name for o in qs]


def test_the_branch_follows_the_database(world):
    qs = selectors.text_search(Organisation.objects.all(), "harbour", selectors.ORGANISATION_SEARCH_FIELDS)
    assert ("search_rank" in qs.query.annotations) is (connection.vendor == "postgresql")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("harbour", ["Harbour Mentoring Trust", "Harbour Youth Forum"]),
        ("harb", ["Harbour Mentoring Trust", "Harbour Youth Forum"]),  # the start of a word
        ("HYF", ["Harbour Youth Forum"]),  # acronym
        ("youth harbour", ["Harbour Youth Forum"]),  # every word, in any order
        ("harbour police", []),
        ("mentoring", ["Harbour Mentoring Trust"]),  # description
        ("", ["Harbour Mentoring Trust", "Harbour Youth Forum", "South Police"]),
        ("'; DROP TABLE --", []),  # punctuation is not syntax
        ("harbour & | ! :*", ["Harbour Mentoring Trust", "Harbour Youth Forum"]),
    ],
)
def test_organisation_search(world, q, expected):
    OrganisationFactory(
        name="Harbour Mentoring Trust",
        description="Mentoring for young people",
        jurisdiction=world.city,
        sector=world.civil,
    )
    assert sorted(names(selectors.organisation_list_visible_to(world.charlie, q=q))) == expected


def test_search_respects_who_may_see_what(world, people):
    world.other_org.is_active = False
    world.other_org.save()
    assert names(selectors.organisation_list_visible_to(world.charlie, q="police")) == []
    assert names(selectors.organisation_list_visible_to(world.admin, q="police")) == ["South Police"]
    assert names(selectors.person_list_visible_to(world.charlie, q="hugo")) == []
    assert names(selectors.person_list_visible_to(world.alice, q="hugo")) == ["Hugo Hidden"]


def test_people_search_covers_names_expertise_and_languages_but_never_contact_details(world, people):
    assert names(selectors.person_list_visible_to(world.charlie, q="okaf")) == ["Pat Okafor"]
    assert names(selectors.person_list_visible_to(world.charlie, q="youth mentoring")) == ["Pat Okafor"]
    assert names(selectors.person_list_visible_to(world.charlie, q="igbo")) == ["Pat Okafor"]
    for q in ("pat.private", "pat.private@example.org", "7946", "sam.private"):
        assert names(selectors.person_list_visible_to(world.admin, q=q)) == [], q


def test_search_page(client_for, world, people):
    page = client_for(world.charlie).get(reverse("stakeholders:search"), {"q": "harbour"})
    assert "Harbour Youth Forum" in page.text
    assert "1 organisation" in page.text
    page = client_for(world.charlie).get(reverse("stakeholders:search"), {"q": "hugo"})
    assert "Hugo Hidden" not in page.text
    assert "0 people" in page.text
    assert "Hugo Hidden" in client_for(world.alice).get(reverse("stakeholders:search"), {"q": "hugo"}).text


def test_postgresql_search_reads_its_index(world):
    """The GIN indexes (migration 0006) must match the expressions the search builds, or the
    planner ignores them and a search scans every row. Other databases use the simpler match."""
    from django.db import connection

    from stakeholders import selectors

    searches = [
        (selectors.organisation_list_visible_to(world.charlie, q="harbour"), "stakeholders_org_search_idx"),
        (selectors.person_list_visible_to(world.charlie, q="harbour"), "stakeholders_person_search_idx"),
    ]
    for queryset, index in searches:
        sql, params = queryset[:50].query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert index in plan, plan
            else:
                cursor.execute(sql, params)  # the fallback query runs as it is
    assert [o.name for o in searches[0][0]] == ["Harbour Youth Forum"]

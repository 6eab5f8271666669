from __future__ import annotations

import pytest
from django.urls import reverse

from stakeholders.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client, world):
    response = client.get(reverse("stakeholders:organisation-list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_directory_lists_and_searches(client_for, world):
    c = client_for(world.charlie)
    page = c.get(reverse("stakeholders:organisation-list"), {"q": "harbour"})
    assert page.status_code == 200
    assert "Harbour Youth Forum" in page.text
    assert "South Police" not in page.text


def test_directory_htmx_request_gets_the_table_only(client_for, world):
    page = client_for(world.charlie).get(reverse("stakeholders:organisation-list"), HTTP_HX_REQUEST="true")
    assert "<html" not in page.text
    assert "Harbour Youth Forum" in page.text


def test_directory_shows_edit_links_only_where_allowed(client_for, world):
    alice_page = client_for(world.alice).get(reverse("stakeholders:organisation-list"))
    assert reverse("stakeholders:organisation-update", args=[world.org.pk]) in alice_page.text
    assert reverse("stakeholders:organisation-update", args=[world.other_org.pk]) not in alice_page.text
    charlie_page = client_for(world.charlie).get(reverse("stakeholders:organisation-list"))
    assert "/edit/" not in charlie_page.text


@pytest.mark.parametrize("rows", [5, 40])
def test_directory_query_budget_does_not_grow_with_rows(client_for, world, django_assert_max_num_queries, rows):
    OrganisationFactory.create_batch(rows, jurisdiction=world.city, sector=world.civil)
    c = client_for(world.alice)
    with django_assert_max_num_queries(12):
        assert c.get(reverse("stakeholders:organisation-list")).status_code == 200


@pytest.mark.parametrize("rows", [5, 40])
def test_tree_query_budget_does_not_grow_with_rows(client_for, world, django_assert_max_num_queries, rows):
    OrganisationFactory.create_batch(rows, jurisdiction=world.city, sector=world.civil)
    c = client_for(world.alice)
    with django_assert_max_num_queries(10):
        assert c.get(reverse("stakeholders:jurisdiction-tree")).status_code == 200


def test_detail_three_personas(client_for, world):
    world.org.is_active = False
    world.org.save()
    url = reverse("stakeholders:organisation-detail", args=[world.org.pk])
    assert client_for(world.alice).get(url).status_code == 200  # may change
    bob_page = client_for(world.bob).get(url)  # may see, not change
    assert bob_page.status_code == 200
    assert "/edit/" not in bob_page.text
    assert client_for(world.charlie).get(url).status_code == 404  # outsider: as if it did not exist
    assert client_for(world.charlie).get(reverse("stakeholders:organisation-detail", args=[99999])).status_code == 404


def test_edit_page_is_403_for_a_viewer_and_404_for_an_outsider(client_for, world):
    url = reverse("stakeholders:organisation-update", args=[world.org.pk])
    assert client_for(world.bob).get(url).status_code == 403
    world.org.is_active = False
    world.org.save()
    assert client_for(world.charlie).get(url).status_code == 404
    assert client_for(world.olga).get(url).status_code == 200


def test_create_organisation_through_the_form(client_for, world):
    c = client_for(world.alice)
    response = c.post(
        reverse("stakeholders:organisation-create"),
        {
            "name": "Harbour Interfaith Council",
            "kind": "faith",
            "sector": world.civil.pk,
            "jurisdiction": world.city.pk,
            "is_active": "on",
        },
    )
    org = Organisation.objects.get(name="Harbour Interfaith Council")
    assert response.status_code == 302
    assert response["Location"] == org.get_absolute_url()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required"),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"sector": "not-a-number"}, "sector", "Select a valid choice"),
        ({"name": "Harbour Youth Forum"}, None, "already exists in this jurisdiction"),
        ({"website": "javascript:alert(1)"}, "website", "Enter a valid URL"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_saved(client_for, world, data, field, message):
    before = Organisation.objects.count()
    payload = {"name": "New one", "kind": "faith", "sector": world.civil.pk, "jurisdiction": world.city.pk, **data}
    response = client_for(world.alice).post(reverse("stakeholders:organisation-create"), payload)
    assert response.status_code == 200
    assert message in response.text
    assert Organisation.objects.count() == before


def test_coordinator_cannot_pick_a_jurisdiction_outside_her_scope(client_for, world):
    response = client_for(world.alice).post(
        reverse("stakeholders:organisation-create"),
        {
            "name": "Elsewhere",
            "kind": "faith",
            "sector": world.civil.pk,
            "jurisdiction": world.other_district.pk,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Organisation.objects.filter(name="Elsewhere").exists()


def test_jurisdiction_made_its_own_ancestor_is_refused_on_the_page(client_for, world):
    response = client_for(world.admin).post(
        reverse("stakeholders:jurisdiction-update", args=[world.district.pk]),
        {
            "name": world.district.name,
            "code": world.district.code,
            "level": "district",
            "parent": world.city.pk,
        },
    )
    assert response.status_code == 200
    assert "cannot be part of itself" in response.text
    world.district.refresh_from_db()
    assert world.district.parent == world.country


def test_jurisdiction_pages(client_for, world):
    c = client_for(world.charlie)
    assert "North District" in c.get(reverse("stakeholders:jurisdiction-tree")).text
    detail = c.get(reverse("stakeholders:jurisdiction-detail", args=[world.district.pk]))
    assert "Harbour Youth Forum" in detail.text
    assert client_for(world.charlie).get(reverse("stakeholders:jurisdiction-create")).status_code == 403
    ok = client_for(world.alice).post(
        reverse("stakeholders:jurisdiction-create"),
        {
            "name": "Dock Ward",
            "code": "ru-n-hc-dock",
            "level": "ward",
            "parent": world.city.pk,
        },
    )
    assert ok.status_code == 302

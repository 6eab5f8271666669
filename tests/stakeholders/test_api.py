from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from stakeholders.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organisations/"


def test_anonymous_gets_401_or_403(world):
    assert APIClient().get(ORGS).status_code in (401, 403)


def test_token_authentication_reads_the_directory(world):
    token = Token.objects.create(user=world.charlie)
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = c.get(ORGS)
    assert response.status_code == 200
    names = [o["name"] for o in response.json()["results"]]
    assert names == ["Harbour Youth Forum", "South Police"]


def test_filters_search_and_ordering(api_for, world):
    c = api_for(world.charlie)
    assert [o["name"] for o in c.get(ORGS, {"within": world.district.pk}).json()["results"]] == ["Harbour Youth Forum"]
    assert [o["name"] for o in c.get(ORGS, {"sector": world.police.pk}).json()["results"]] == ["South Police"]
    assert [o["name"] for o in c.get(ORGS, {"search": "HYF"}).json()["results"]] == ["Harbour Youth Forum"]
    assert [o["name"] for o in c.get(ORGS, {"ordering": "-name"}).json()["results"]] == [
        "South Police",
        "Harbour Youth Forum",
    ]
    assert len(c.get(ORGS, {"kind": "youth"}).json()["results"]) == 1


def test_three_personas_on_detail_and_update(api_for, world):
    world.org.is_active = False
    world.org.save()
    url = f"{ORGS}{world.org.pk}/"
    assert api_for(world.alice).patch(url, {"phone": "+1 555"}, format="json").status_code == 200
    assert api_for(world.bob).get(url).status_code == 200
    assert api_for(world.bob).patch(url, {"phone": "0"}, format="json").status_code == 403
    assert api_for(world.charlie).get(url).status_code == 404
    assert api_for(world.charlie).patch(url, {"phone": "0"}, format="json").status_code == 404
    world.org.refresh_from_db()
    assert world.org.phone == "+1 555"


def test_create_and_read_back(api_for, world):
    c = api_for(world.alice)
    response = c.post(
        ORGS,
        {"name": "Harbour Mosque", "kind": "faith", "sector": world.civil.pk, "jurisdiction": world.city.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["can_change"] is True
    assert c.get(f"{ORGS}{response.json()['id']}/").json()["name"] == "Harbour Mosque"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"sector": "abc"}, "sector"),
        ({"kind": "spaceship"}, "kind"),
        ({"name": "harbour youth forum"}, "non_field_errors"),
        ({"jurisdiction": "other"}, "jurisdiction"),
    ],
)
def test_bad_input_is_400_with_field_messages_and_nothing_saved(api_for, world, payload, field):
    base = {"name": "New", "kind": "faith", "sector": world.civil.pk, "jurisdiction": world.city.pk}
    if payload.get("jurisdiction") == "other":
        payload = {"jurisdiction": world.other_district.pk}
    before = Organisation.objects.count()
    response = api_for(world.alice).post(ORGS, {**base, **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Organisation.objects.count() == before


def test_jurisdiction_api_refuses_a_cycle_with_a_field_message(api_for, world):
    response = api_for(world.admin).patch(
        f"/api/v1/jurisdictions/{world.district.pk}/", {"parent": world.city.pk}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_jurisdiction_api_duplicate_code(api_for, world):
    response = api_for(world.admin).post(
        "/api/v1/jurisdictions/",
        {"name": "Again", "code": "RU-N", "level": "district", "parent": world.country.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "code" in response.json()


def test_sectors_are_read_by_all_and_written_by_admins(api_for, world):
    assert api_for(world.charlie).get("/api/v1/sectors/").json()["count"] == 2
    assert api_for(world.alice).post("/api/v1/sectors/", {"name": "Sport", "code": "sport"}).status_code == 403
    assert api_for(world.admin).post("/api/v1/sectors/", {"name": "Sport", "code": "sport"}).status_code == 201


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_budget(api_for, world, django_assert_max_num_queries, rows):
    OrganisationFactory.create_batch(rows, jurisdiction=world.city, sector=world.civil)
    c = api_for(world.alice)
    with django_assert_max_num_queries(8):
        assert c.get(ORGS).status_code == 200
    with django_assert_max_num_queries(6):
        assert c.get("/api/v1/jurisdictions/").status_code == 200


def test_openapi_schema_and_docs(api_for, client_for, world):
    schema = client_for(world.charlie).get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/organisations/" in schema.content
    docs = client_for(world.charlie).get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()

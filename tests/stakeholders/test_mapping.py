"""Stakeholder mapping: who may read the map, the power/interest grid, the coverage heatmap and its gaps."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from stakeholders import selectors, services
from stakeholders.models import StakeholderMapping
from tests.factories import JurisdictionFactory, OrganisationFactory, SectorFactory, StakeholderMappingFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/stakeholder-mappings/"


@pytest.fixture
def mapped(world):  # type: ignore[no-untyped-def]
    """The district's map: the youth forum (city) engaged at 'collaborate', a women's group in a second city
    mapped at 'inform', and a faith group in the second city not mapped at all."""
    port = JurisdictionFactory(name="Port Town", code="RU-N-PT", level="city", parent=world.district)
    women = SectorFactory(name="Women", code="women")
    faith = SectorFactory(name="Faith", code="faith")
    womens_group = OrganisationFactory(name="Port Women's Circle", jurisdiction=port, sector=women, kind="women")
    OrganisationFactory(name="Port Mosque", jurisdiction=port, sector=faith, kind="faith")
    youth = StakeholderMappingFactory(
        jurisdiction=world.district,
        organisation=world.org,
        influence=2,
        interest=5,
        engagement_level=StakeholderMapping.Engagement.COLLABORATE,
    )
    inform = StakeholderMappingFactory(
        jurisdiction=world.district,
        organisation=womens_group,
        influence=4,
        interest=1,
        engagement_level=StakeholderMapping.Engagement.INFORM,
    )
    return port, womens_group, youth, inform


def test_the_map_is_read_by_coordinators_and_liaisons_only(world, mapped):
    for user in (world.admin, world.alice, world.bob):
        assert selectors.mapping_list_visible_to(user).count() == 2, user
    for user in (world.olga, world.mona, world.charlie):
        assert selectors.mapping_list_visible_to(user).count() == 0, user


def test_coordinators_map_in_their_jurisdictions_only(world, mapped):
    mapping = services.mapping_create(
        actor=world.alice,
        jurisdiction=world.city,
        organisation=world.org,
        influence=3,
        interest=3,
        engagement_level=3,
        prevention_primary=True,
    )
    assert mapping.prevention_levels == ["primary"]
    with pytest.raises(PermissionDenied):
        services.mapping_create(
            actor=world.alice,
            jurisdiction=world.other_district,
            organisation=world.other_org,
            influence=3,
            interest=3,
            engagement_level=3,
        )
    with pytest.raises(PermissionDenied):
        services.mapping_update(actor=world.bob, mapping=mapped[2], influence=1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"influence": 6}, "influence"),
        ({"interest": 0}, "interest"),
        ({"engagement_level": 9}, "engagement_level"),
        ({"organisation": "other"}, "organisation"),  # another district's organisation
        ({"jurisdiction": "district"}, "__all__"),  # already mapped there
    ],
)
def test_bad_mappings_are_refused(world, mapped, change, field):
    data = {
        "jurisdiction": world.city,
        "organisation": world.org,
        "influence": 3,
        "interest": 3,
        "engagement_level": 3,
        **change,
    }
    if data["organisation"] == "other":
        data["organisation"] = world.other_org
    if data["jurisdiction"] == "district":
        data["jurisdiction"] = world.district
    before = StakeholderMapping.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.mapping_create(actor=world.alice, **data)
    assert field in exc.value.message_dict
    assert StakeholderMapping.objects.count() == before


def test_power_interest_grid(world, mapped):
    grid = selectors.power_interest_grid(world.alice, world.district)
    assert [row[0].influence for row in grid] == [5, 4, 3, 2, 1]
    cell = grid[3][4]  # influence 2, interest 5
    assert (cell.influence, cell.interest, cell.count, cell.quadrant) == (2, 5, 1, "inform")
    assert [m.organisation for m in cell.mappings] == [world.org]
    assert grid[1][0].quadrant == "satisfy" and grid[1][0].count == 1


def test_heatmap_counts_engaged_organisations_by_sector_and_part(world, mapped):
    port, womens_group, *_ = mapped
    heatmap = selectors.coverage_heatmap(world.alice, world.district)
    assert [c.jurisdiction for c in heatmap.columns] == [world.district, world.city, port]
    cells = {
        (row.sector.code, c.column.jurisdiction.code): (c.engaged, c.registered)
        for row in heatmap.rows
        for c in row.cells
    }
    assert cells[("civil-society", "RU-N-HC")] == (1, 1)
    assert cells[("women", "RU-N-PT")] == (1, 1)
    assert cells[("faith", "RU-N-PT")] == (0, 1)  # registered, not engaged: a gap
    gaps = {c.jurisdiction.code: kinds for c, kinds in heatmap.gaps}
    assert gaps == {"RU-N-HC": ["Women's organisation"], "RU-N-PT": ["Youth organisation"]}
    # raise the threshold: the women's group, only informed, no longer counts
    strict = selectors.coverage_heatmap(world.alice, world.district, min_engagement=3)
    cells = {(row.sector.code, c.column.jurisdiction.code): c.engaged for row in strict.rows for c in row.cells}
    assert cells[("women", "RU-N-PT")] == 0


def test_heatmap_page_links_every_count_to_the_directory_behind_it(client_for, world, mapped):
    port, womens_group, *_ = mapped
    page = client_for(world.bob).get(reverse("stakeholders:mapping-heatmap", args=[world.district.pk]))
    assert page.status_code == 200
    assert "No Youth organisation engaged in Port Town." in page.text
    link = (
        f"/registry/organisations/?jurisdiction={port.pk}&amp;sector={womens_group.sector_id}"
        f"&amp;engaged_in={world.district.pk}&amp;min_engagement=1"
    )
    assert link in page.text
    directory = client_for(world.bob).get(
        "/registry/organisations/",
        {
            "jurisdiction": port.pk,
            "sector": womens_group.sector_id,
            "engaged_in": world.district.pk,
            "min_engagement": 1,
        },
    )
    assert "Port Women&#x27;s Circle" in directory.text
    assert "Port Mosque" not in directory.text
    assert "1 organisation" in directory.text


def test_engagement_filter_in_the_directory_ignores_a_map_the_user_may_not_read(client_for, world, mapped):
    page = client_for(world.charlie).get("/registry/organisations/", {"engaged_in": world.district.pk})
    assert "Port Mosque" in page.text  # the filter is dropped, not applied from a map charlie cannot see
    assert "Showing organisations engaged" not in page.text


def test_mapping_pages_three_personas(client_for, world, mapped):
    for name in ("mapping-list", "mapping-grid", "mapping-heatmap"):
        url = reverse(f"stakeholders:{name}", args=[world.district.pk])
        assert client_for(world.alice).get(url).status_code == 200
        assert client_for(world.bob).get(url).status_code == 200
        assert client_for(world.charlie).get(url).status_code == 404
        assert (
            client_for(world.alice).get(reverse(f"stakeholders:{name}", args=[world.other_district.pk])).status_code
            == 404
        )
    assert (
        client_for(world.bob).get(reverse("stakeholders:mapping-create", args=[world.district.pk])).status_code == 403
    )
    grid = client_for(world.alice).get(reverse("stakeholders:mapping-grid", args=[world.district.pk]))
    assert f"/registry/mapping/{world.district.pk}/?influence=2&amp;interest=5" in grid.text
    cell = client_for(world.alice).get(
        reverse("stakeholders:mapping-list", args=[world.district.pk]), {"influence": 2, "interest": 5}
    )
    assert "Harbour Youth Forum" in cell.text and "Port Women" not in cell.text


def test_organisation_page_shows_the_map_only_to_those_who_may_read_it(client_for, world, mapped):
    url = reverse("stakeholders:organisation-detail", args=[world.org.pk])
    assert "influence 2, interest 5" in client_for(world.bob).get(url).text
    for persona in ("charlie", "olga"):
        page = client_for(getattr(world, persona)).get(url)
        assert "influence 2" not in page.text and "Stakeholder mapping" not in page.text


def test_mapping_form(client_for, world, mapped):
    url = reverse("stakeholders:mapping-create", args=[world.city.pk])
    ok = client_for(world.alice).post(
        url,
        {
            "organisation": world.org.pk,
            "influence": 4,
            "interest": 4,
            "engagement_level": 4,
            "prevention_secondary": "on",
        },
    )
    assert ok.status_code == 302
    assert StakeholderMapping.objects.get(jurisdiction=world.city).prevention_secondary is True
    bad = client_for(world.alice).post(
        url, {"organisation": world.other_org.pk, "influence": 9, "interest": 4, "engagement_level": 4}
    )
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.text


def test_mapping_api(api_for, world, mapped):
    youth = mapped[2]
    assert api_for(world.charlie).get(URL).json()["count"] == 0
    assert api_for(world.charlie).get(f"{URL}{youth.pk}/").status_code == 404
    assert api_for(world.bob).get(URL, {"within": world.country.pk}).json()["count"] == 2
    assert api_for(world.bob).patch(f"{URL}{youth.pk}/", {"interest": 1}, format="json").status_code == 403
    response = api_for(world.alice).patch(f"{URL}{youth.pk}/", {"interest": 4}, format="json")
    assert response.status_code == 200
    assert response.json()["engagement_level_display"] == "Collaborate"
    bad = api_for(world.alice).post(
        URL,
        {
            "jurisdiction": world.city.pk,
            "organisation": world.org.pk,
            "influence": 7,
            "interest": 1,
            "engagement_level": 1,
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "influence" in bad.json()

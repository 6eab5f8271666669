from __future__ import annotations

import pytest

from stakeholders import permissions, selectors
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_inactive_organisation_is_hidden_from_outsiders_but_not_from_those_responsible(world):
    world.org.is_active = False
    world.org.save()
    for user in (world.admin, world.alice, world.bob, world.olga, world.mona):
        assert world.org in selectors.organisation_list_visible_to(user), user
    assert world.org not in selectors.organisation_list_visible_to(world.charlie)


def test_change_rule_follows_the_jurisdiction_subtree_and_organisation_admin(world):
    assert permissions.can_change_organisation(world.alice, world.org)  # in her district's subtree
    assert not permissions.can_change_organisation(world.alice, world.other_org)  # another district
    assert not permissions.can_change_organisation(world.bob, world.org)  # liaison reads only
    assert permissions.can_change_organisation(world.olga, world.org)  # its own admin
    assert not permissions.can_change_organisation(world.mona, world.org)
    assert not permissions.can_change_organisation(world.charlie, world.org)
    assert permissions.can_change_organisation(world.admin, world.other_org)


def test_directory_rows_carry_the_same_change_rule_as_the_object_check(world):
    rows = {o.pk: o.can_change for o in selectors.organisation_list_visible_to(world.alice)}
    assert rows[world.org.pk] is True
    assert rows[world.other_org.pk] is False


def test_directory_filters_include_the_whole_jurisdiction_subtree(world):
    found = selectors.organisation_list_visible_to(world.charlie, jurisdiction=world.district)
    assert list(found) == [world.org]
    assert list(selectors.organisation_list_visible_to(world.charlie, q="youth")) == [world.org]
    assert list(selectors.organisation_list_visible_to(world.charlie, q="HYF")) == [world.org]
    assert list(selectors.organisation_list_visible_to(world.charlie, sector=world.police)) == [world.other_org]
    assert list(selectors.organisation_list_visible_to(world.charlie, kind="youth")) == [world.org]


def test_tree_counts_only_visible_organisations(world):
    OrganisationFactory(jurisdiction=world.city, is_active=False, sector=world.civil)
    tree = selectors.jurisdiction_tree_for_user(world.charlie)
    (country,) = tree
    district = next(n for n in country.children if n.jurisdiction == world.district)
    (city,) = district.children
    assert city.organisation_count == 1  # the inactive one is not counted for an outsider
    tree = selectors.jurisdiction_tree_for_user(world.alice)
    district = next(n for n in tree[0].children if n.jurisdiction == world.district)
    assert district.children[0].organisation_count == 2


def test_people_of_an_organisation_are_shown_only_to_those_with_a_need(world):
    assert selectors.organisation_members_for_user(world.alice, world.org).count() == 2
    assert selectors.organisation_members_for_user(world.mona, world.org).count() == 2
    assert selectors.organisation_members_for_user(world.charlie, world.org).count() == 0

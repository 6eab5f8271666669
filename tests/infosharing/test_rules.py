"""The persona x label matrix at the rule, the list selector and the visibility table."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core.permissions import visible
from infosharing import permissions as perms
from infosharing import selectors
from infosharing.models import InformationItem
from tests.infosharing.conftest import EXPECTED

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_lists_and_opens_exactly_what_the_labels_allow(sw, persona):
    user = getattr(sw, persona)
    expected = {sw.items[label].pk for label in EXPECTED[persona]}
    listed = {i.pk for i in selectors.item_page_visible_to(user).items}
    by_rule = set(visible(user, InformationItem).values_list("pk", flat=True))
    from_grants = set(InformationItem.objects.filter(perms.item_ids_from_grants(user)).values_list("pk", flat=True))
    assert listed == by_rule == from_grants == expected


def test_anonymous_sees_nothing(sw):
    assert selectors.item_page_visible_to(AnonymousUser()).items == []
    assert not visible(AnonymousUser(), InformationItem).exists()

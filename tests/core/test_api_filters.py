"""An id the caller may not see answers like an id that does not exist, in every API filter."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_filtering_by_an_invisible_organisation_answers_like_a_missing_one(api_for, world):
    world.other_org.is_active = False  # no longer in the public directory: charlie may not see it
    world.other_org.save()
    c = api_for(world.charlie)
    for url in (
        "/api/v1/organisations/?parent={}",
        "/api/v1/people/?organisation={}",
        "/api/v1/positions/?organisation={}",
        "/api/v1/partnerships/?organisation={}",
    ):
        invisible = c.get(url.format(world.other_org.pk))
        missing = c.get(url.format(999999))
        assert invisible.status_code == missing.status_code == 400, url
        assert invisible.json() == missing.json(), url
    assert api_for(world.alice).get(f"/api/v1/organisations/?parent={world.org.pk}").status_code == 200


def test_filtering_meetings_by_an_invisible_committee_answers_like_a_missing_one(api_for, world):
    from tests.coordination.factories import CommitteeFactory

    hidden = CommitteeFactory(name="South Forum", jurisdiction=world.other_district)
    c = api_for(world.charlie)
    for url in ("/api/v1/meetings/?committee={}", "/api/v1/committees/?parent={}"):
        assert c.get(url.format(hidden.pk)).json() == c.get(url.format(999999)).json(), url
        assert c.get(url.format(hidden.pk)).status_code == 400

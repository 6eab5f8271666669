"""The registry's demo data loads, twice without change, and tells the guide's stories."""

from __future__ import annotations

import pytest

from stakeholders import demo, selectors
from stakeholders.models import Partnership, Person, Position, ResourceOffer, StakeholderMapping

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Position.objects.count(),
        Partnership.objects.count(),
        StakeholderMapping.objects.count(),
        ResourceOffer.objects.count(),
    )


def test_demo_registry_is_idempotent_and_tells_the_stories():
    demo.seed()
    first = counts()
    demo.seed()
    assert counts() == first
    assert min(first) > 0
    assert ResourceOffer.objects.filter(
        organisation__name="Tangail Chamber of Commerce and Industry", kind=ResourceOffer.Kind.TRAINING_PLACES
    ).exists()
    assert Partnership.objects.filter(
        kind=Partnership.Kind.REFERRAL,
        organisation__jurisdiction__code="US-NY-NYC",
        partner__jurisdiction__code="US-NY-NYC",
    ).exists()
    for code in ("BD-63", "MK-KU", "KE-28", "PK-SD", "US-NY-NYC"):
        assert StakeholderMapping.objects.filter(jurisdiction__code=code).exists(), code
    maria = Person.objects.get(full_name="Maria Lopez")
    assert maria.user is not None and maria.user.email == "coordinator.nyc@roundtable.example.org"


def test_demo_heatmap_of_sindh_shows_gaps():
    demo.seed()
    from core.models import User
    from stakeholders.models import Jurisdiction

    coordinator = User.objects.get(email="coordinator.sindh@roundtable.example.org")
    heatmap = selectors.coverage_heatmap(coordinator, Jurisdiction.objects.get(code="PK-SD"))
    assert len(heatmap.columns) == 30  # the province as a whole and its 29 districts
    gaps = {column.jurisdiction.name for column, _ in heatmap.gaps}
    assert "Karachi East" in gaps and "Karachi Central" in gaps  # Karachi Central has youth, no women's group

"""People of the registry around the ``world`` personas (tests/conftest.py).

* ``pat``    holds a current position in ``org`` (alice's city), has contact details, and a login;
* ``sam``    holds a current position in ``other_org`` (the other district), has contact details;
* ``hugo``   has no position, registered in alice's city (not in the public directory);
* ``fiona``  held a position in ``org`` that has ended (not in the public directory).
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.factories import PersonFactory, PositionFactory, UserFactory


@pytest.fixture
def people(world) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    consent = timezone.now() - timedelta(days=30)
    pat_login = UserFactory(email="pat@example.org", full_name="Pat Person")
    pat = PersonFactory(
        full_name="Pat Okafor",
        email="pat.private@example.org",
        phone="+44 20 7946 0001",
        contact_consent_at=consent,
        jurisdiction=world.city,
        user=pat_login,
        expertise="Youth mentoring",
        languages="English, Igbo",
    )
    PositionFactory(person=pat, organisation=world.org, title="Youth worker", start_date=date(2024, 1, 1))
    sam = PersonFactory(
        full_name="Sam Southwell",
        email="sam.private@example.org",
        phone="+1 555 0102",
        contact_consent_at=consent,
        jurisdiction=world.other_district,
    )
    PositionFactory(person=sam, organisation=world.other_org, title="Inspector")
    hugo = PersonFactory(full_name="Hugo Hidden", email="", jurisdiction=world.city)
    fiona = PersonFactory(
        full_name="Fiona Former", email="fiona.private@example.org", contact_consent_at=consent, jurisdiction=world.city
    )
    PositionFactory(
        person=fiona, organisation=world.org, title="Volunteer", start_date=date(2020, 1, 1), end_date=date(2021, 1, 1)
    )
    return SimpleNamespace(pat=pat, pat_login=pat_login, sam=sam, hugo=hugo, fiona=fiona)

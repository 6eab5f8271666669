"""Committee personas, on top of the shared ``world`` (tests/conftest.py):

* ``carol``  chair of the Harbour committee (a Person with a login), an elected official
* ``sam``    its secretary
* ``mike``   a member
* ``olly``   an observer
* ``alice``  the district's coordinator (manages it without sitting on it)
* ``bob``    the district's liaison (reads it, not confidential minutes)
* ``charlie`` the outsider (404 everywhere)
* ``south``  a committee in the other district, which none of them may see
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from coordination.models import Committee, CommitteeMembership
from tests.coordination.factories import CommitteeFactory, CommitteeMembershipFactory
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def cw(world) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    committee = CommitteeFactory(
        name="Harbour City Coordination Committee",
        acronym="HCCC",
        kind=Committee.Kind.TLCC,
        jurisdiction=world.city,
        quorum_rule=Committee.QuorumRule.COUNT,
        quorum_value=2,
    )
    south = CommitteeFactory(name="South Forum", jurisdiction=world.other_district)
    people = {}
    for key, name, role in [
        ("carol", "Carol Chair", CommitteeMembership.Role.CHAIR),
        ("sam", "Sam Secretary", CommitteeMembership.Role.SECRETARY),
        ("mike", "Mike Member", CommitteeMembership.Role.MEMBER),
        ("olly", "Olly Observer", CommitteeMembership.Role.OBSERVER),
    ]:
        user = UserFactory(email=f"{key}@example.org", full_name=name)
        person = PersonFactory(full_name=name, email=f"{key}@example.org", user=user)
        CommitteeMembershipFactory(
            committee=committee,
            person=person,
            organisation=world.org,
            role=role,
            designation="elected" if key == "carol" else "",
        )
        people[key] = user
        people[f"{key}_person"] = person
    return SimpleNamespace(**vars(world), committee=committee, south=south, **people)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """``with committed(): service(...)``: run what the service queued with ``on_commit`` (emails,
    notifications) as a real commit would; tests run inside one transaction that never commits."""

    def run():  # type: ignore[no-untyped-def]
        return django_capture_on_commit_callbacks(execute=True)

    return run

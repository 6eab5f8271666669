"""The people directory's stored visibility (``Person.in_directory``/``listed_until``) equals the
rule it stands for (a current position in an active organisation) after random writes through
the services, and on each later day once the daily job ran; before the job it never lists more."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stakeholders import services
from stakeholders.directory import directory_listed_q, directory_refresh_due, directory_rule_q
from stakeholders.models import Organisation, Person, Position
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

offset = st.integers(min_value=-5, max_value=5)
step = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 3), st.integers(0, 2), st.none() | offset, st.none() | offset),
    st.tuples(st.just("end"), st.integers(0, 20), st.none() | offset),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("toggle"), st.integers(0, 2)),
)


def _stored(on: date) -> set[int]:
    return set(Person.objects.filter(directory_listed_q(on)).values_list("pk", flat=True))


def _rule(on: date) -> set[int]:
    return set(Person.objects.filter(directory_rule_q(on)).values_list("pk", flat=True))


@pytest.fixture
def scene(world):  # type: ignore[no-untyped-def]
    people = [PersonFactory(full_name=f"Person {i}") for i in range(4)]
    organisations = [world.org, world.other_org, OrganisationFactory(jurisdiction=world.city)]
    return world.admin, people, organisations


def test_stored_directory_equals_the_rule_after_random_writes(scene):
    admin, people, organisations = scene

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps=st.lists(step, max_size=10), jumps=st.lists(st.integers(1, 7), max_size=3))
    def check(steps: list[tuple[Any, ...]], jumps: list[int]) -> None:
        today = timezone.localdate()
        with transaction.atomic():
            for op, *args in steps:
                positions = list(Position.objects.order_by("pk"))
                if op == "add":
                    person, organisation, start, end = args
                    start_date = today + timedelta(days=start) if start is not None else None
                    end_date = today + timedelta(days=end) if end is not None else None
                    if start_date and end_date and end_date < start_date:
                        start_date, end_date = end_date, start_date
                    services.position_create(
                        actor=admin,
                        person=people[person],
                        organisation=Organisation.objects.get(pk=organisations[organisation].pk),
                        title="Officer",
                        start_date=start_date,
                        end_date=end_date,
                    )
                elif op == "end" and positions:
                    position = positions[args[0] % len(positions)]
                    end_date = today + timedelta(days=args[1]) if args[1] is not None else None
                    if end_date and position.start_date and end_date < position.start_date:
                        end_date = position.start_date
                    services.position_update(actor=admin, position=position, end_date=end_date)
                elif op == "delete" and positions:
                    positions[args[0] % len(positions)].delete()
                elif op == "toggle":
                    organisation = Organisation.objects.get(pk=organisations[args[0]].pk)
                    services.organisation_update(
                        actor=admin, organisation=organisation, is_active=not organisation.is_active
                    )
            checks = [(today, _stored(today), _rule(today))]
            day = today
            for jump in jumps:
                day += timedelta(days=jump)
                before_job = _stored(day)
                assert before_job <= _rule(day), "listed someone whose positions had ended"
                directory_refresh_due(today=day)
                checks.append((day, _stored(day), _rule(day)))
            transaction.set_rollback(True)
        for on, stored, rule in checks:
            assert stored == rule, (on, steps, jumps)

    check()


def test_a_deactivated_organisation_takes_its_people_out_of_the_public_list(api_for, world):
    person = PersonFactory(full_name="Listed Person")
    services.position_create(actor=world.admin, person=person, organisation=world.other_org, title="Chief")
    outsider = api_for(world.charlie)
    assert "Listed Person" in [p["full_name"] for p in outsider.get("/api/v1/people/").json()["results"]]
    services.organisation_update(actor=world.admin, organisation=world.other_org, is_active=False)
    assert "Listed Person" not in [p["full_name"] for p in outsider.get("/api/v1/people/").json()["results"]]

"""A confidential (safe-space) meeting of the Harbour committee, on top of ``cw``
(tests/coordination/conftest.py): held, sam attended (present), the others did not; one item with
minutes and a follow-up action owned by mike, who holds a current position in ``org``."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from coordination.models import Meeting
from tests.coordination import conftest as coordination_conftest
from tests.coordination.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    DecisionFactory,
    InvitationFactory,
    MeetingFactory,
)
from tests.factories import PositionFactory

# The committee personas and the on-commit helper of tests/coordination, shared here.
cw = coordination_conftest.cw
committed = coordination_conftest.committed

SECRET_MINUTES = "Named family at risk on Elm Street"
SECRET_DECISION = "Refer the Elm Street family to the exit programme"


@pytest.fixture
def safe(cw) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    start = timezone.now() - timedelta(days=3)
    meeting = MeetingFactory(
        committee=cw.committee,
        is_confidential=True,
        status=Meeting.Status.MINUTES_DRAFTED,
        title="Safe-space case conference",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    for person in (cw.carol_person, cw.sam_person, cw.mike_person):
        InvitationFactory(meeting=meeting, person=person)
    AttendanceFactory(meeting=meeting, person=cw.sam_person)
    item = AgendaItemFactory(meeting=meeting, title="Case review", minutes=f"<p>{SECRET_MINUTES}</p>")
    decision = DecisionFactory(agenda_item=item, text=SECRET_DECISION, kind="action", owner=cw.mike_person)
    PositionFactory(person=cw.mike_person, organisation=cw.org, title="Youth worker")
    return SimpleNamespace(**vars(cw), meeting=meeting, item=item, decision=decision)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Say how many route x method x persona cases the permission matrix ran (test_matrix.py)."""
    import sys

    matrix = sys.modules.get("tests.security.test_matrix")
    if matrix is not None and matrix.CASES_RUN["cases"]:
        terminalreporter.write_line(
            f"permission matrix: {matrix.CASES_RUN['cases']} route x method x persona cases run"
        )

"""Adversarial checks that sensitive data does not leak through side doors (DESIGN.md: "who may do
what"; ADR 0002, 0003, 0005, 0008). Each test names the path it guards."""

from __future__ import annotations

import json

from django.urls import reverse

from tests.coordination.factories import InvitationFactory, MeetingFactory
from tests.security.conftest import SECRET_DECISION


def _export(client, person) -> dict:  # type: ignore[no-untyped-def]
    response = client.post(reverse("stakeholders:person-data", args=[person.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


# --- Subject access export ----------------------------------------------------------------------

def test_subject_access_export_does_not_repeat_other_apps_records_to_someone_else(client_for, safe):
    """Mona (same organisation as mike, so she may see his contact details and export his data) did
    not attend the safe-space meeting and cannot see the South committee: the export of mike's data
    must not carry the confidential decision he owns, nor the title of a meeting she cannot see."""
    south_meeting = MeetingFactory(committee=safe.south, title="South Forum closed session")
    InvitationFactory(meeting=south_meeting, person=safe.mike_person)

    body = json.dumps(_export(client_for(safe.mona), safe.mike_person))
    assert SECRET_DECISION[:40] not in body
    assert "South Forum closed session" not in body
    data = json.loads(body)
    # what exists is still listed (a data protection lead must know what is held), as model and id
    assert {"model": "coordination.Decision", "id": safe.decision.pk} in data["other_records"]["owned_decisions"]

    # the person themself reads their own records in full
    own = json.dumps(_export(client_for(safe.mike), safe.mike_person))
    assert SECRET_DECISION[:40] in own and "South Forum closed session" in own

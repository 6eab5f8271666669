"""Every audit action the app records has a readable label, and the history pages show it."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from actionplans import services
from core.models import ACTION_LABELS

APP = Path(__file__).resolve().parents[2] / "actionplans"


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in [*APP.rglob("*.py"), APP.parent / "core" / "grants.py"]:
        found.update(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text()))
    return found


def test_every_recorded_action_has_a_label() -> None:
    recorded = _recorded_actions()
    assert {"plan.approve", "update.return", "funding.disburse", "grant.create"} <= recorded
    assert sorted(recorded - set(ACTION_LABELS)) == []


def test_history_on_the_action_and_plan_pages_reads_as_words(pw, client_for) -> None:  # type: ignore[no-untyped-def]
    services.action_update(actor=pw.alice, action=pw.a1, rag_override="amber", rag_override_reason="Rain season")
    page = client_for(pw.alice).get(reverse("actionplans:action-detail", args=[pw.a1.pk])).content.decode()
    assert "Action changed" in page and "Rain season" in page and "action.update" not in page
    assert (
        'id="history"'
        not in client_for(pw.mona).get(reverse("actionplans:action-detail", args=[pw.a1.pk])).content.decode()
    )
    services.plan_submit(actor=pw.alice, plan=pw.plan)
    page = client_for(pw.alice).get(reverse("actionplans:plan-status", args=[pw.plan.pk])).content.decode()
    assert "Plan status changed" in page and "Objective added" in page and "Plan created" in page

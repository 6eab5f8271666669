"""In real Chromium: a partner reports an indicator value with evidence, the coordinator returns it
with a note, the partner corrects and resubmits, the coordinator accepts; then the plan's progress
and the national roll-up over the linked city indicator change."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from actionplans.models import ProgressUpdate
from tests.actionplans.conftest import pw  # noqa: F401 - the action-plan personas

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_report_return_resubmit_accept_and_the_roll_up_changes(live_server, page: Page, pw, login, axe, tmp_path):  # noqa: F811
    plan_url = f"{live_server.url}/plans/{pw.plan.pk}/"
    national_url = f"{live_server.url}/plans/{pw.national.pk}/"
    evidence = tmp_path / "attendance-sheet.pdf"
    evidence.write_bytes(PDF)

    # Before: no accepted data anywhere, shown as such (not 0).
    login(pw.alice)
    page.goto(plan_url)
    expect(page.locator("#plan-progress")).to_contain_text("no data yet")

    # 1. the partner reports a value with evidence
    login(pw.mona)
    page.goto(f"{live_server.url}/plans/actions/{pw.a1.pk}/")
    page.get_by_role("link", name="Report a value Young people trained").click()
    page.get_by_label("Period from").fill(pw.period[0].isoformat())
    page.get_by_label("Period to").fill(pw.period[1].isoformat())
    page.get_by_label("Value").fill("400")
    page.get_by_label("Evidence file").set_input_files(str(evidence))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#update-status")).to_have_text("Submitted")
    expect(page.get_by_role("link", name="attendance-sheet.pdf")).to_be_visible()
    assert axe() == []
    update = ProgressUpdate.objects.get()
    update_url = f"{live_server.url}/plans/updates/{update.pk}/"

    # 2. the coordinator returns it with a note
    login(pw.alice)
    page.goto(update_url)
    page.get_by_label("Return with a note").check()
    page.get_by_label("Note to the reporters").fill("400 is the county's figure: give the city's.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("#update-status")).to_have_text("Returned")

    # 3. the partner corrects and resubmits
    login(pw.mona)
    page.goto(update_url)
    expect(page.locator("#review-note")).to_contain_text("give the city's")
    page.get_by_label("Value").fill("40")
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator("#update-status")).to_have_text("Submitted")

    # 4. the coordinator accepts
    login(pw.alice)
    page.goto(update_url)
    page.get_by_label("Accept: the values count and the period is locked").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("#update-status")).to_have_text("Accepted")

    # The plan's progress: objective O1 is 40 % of the way to its target of 100; O2 has no data.
    page.goto(plan_url)
    expect(page.locator("#plan-progress")).to_contain_text("40 %")
    # The national roll-up over the linked city indicator, as the national liaison reads it.
    login(pw.nora)
    page.goto(national_url)
    expect(page.locator(f"#indicator-{pw.national_ind.pk}")).to_contain_text("40")
    assert axe() == []

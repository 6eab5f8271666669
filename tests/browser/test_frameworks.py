"""In real Chromium: the national coordinator adopts a framework with two pillars, choosing the
jurisdiction in the type-ahead by keyboard; revises it, renaming one pillar and adding a third; and
the compare page shows the pillar added and the pillar renamed, while version 1 stays as it was.
Each page passes axe and breaks no rule of the Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from actionplans.models import Framework
from stakeholders.models import JurisdictionRole
from tests.actionplans.conftest import pw  # noqa: F401 - the action-plan personas
from tests.browser.conftest import pick
from tests.factories import JurisdictionFactory, JurisdictionRoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _cell(page: Page, label: str, row: int):  # type: ignore[no-untyped-def]
    """A pillar row's box by its accessible name ("Code, row 1")."""
    return page.get_by_label(f"{label}, row {row}", exact=True)


def _pillar(page: Page, row: int, code: str, name: str) -> None:
    _cell(page, "Code", row).fill(code)
    _cell(page, "Name", row).fill(name)


def test_adopt_revise_and_compare_a_framework(live_server, page: Page, pw, login, axe) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    nina = UserFactory(email="nina@example.org", full_name="Nina National")
    JurisdictionRoleFactory(user=nina, jurisdiction=pw.country, role=JurisdictionRole.Role.COORDINATOR)
    # A second match for what is typed, so the arrow keys have a choice to make.
    JurisdictionFactory(name="Rural West District", parent=pw.country)
    login(nina)

    # 1. Adopt, from the frameworks list.
    page.goto(f"{live_server.url}/plans/frameworks/")
    page.get_by_role("link", name="Adopt a framework").click()
    page.get_by_role("textbox", name="Name (required)").fill("Youth Inclusion Strategy")
    pick(page, "Jurisdiction", "Rur", f"{pw.country.name} ({pw.country.code})")
    page.get_by_label("Adopted on").fill("2026-03-01")
    _pillar(page, 1, "Y1", "Schools")
    _pillar(page, 2, "Y2", "Sport")
    assert axe() == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The framework is adopted.")).to_be_visible()
    first = Framework.objects.get(name="Youth Inclusion Strategy")
    assert first.jurisdiction == pw.country and first.version == 1
    assert page.url.endswith(first.get_absolute_url())
    expect(page.get_by_text("Schools")).to_be_visible()
    expect(page.get_by_text("Sport")).to_be_visible()

    # 2. Revise: the new version starts from the two pillars; rename one, add a third.
    page.get_by_role("link", name="Revise: make a new version").click()
    expect(_cell(page, "Code", 1)).to_have_value("Y1")
    expect(_cell(page, "Name", 2)).to_have_value("Sport")
    _cell(page, "Name", 2).fill("Sport and culture")
    _pillar(page, 3, "Y3", "Online spaces")
    assert axe() == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Version 2 is adopted; version 1 is kept as it was.")).to_be_visible()
    second = Framework.objects.get(name="Youth Inclusion Strategy", version=2)
    assert [(p.code, p.name) for p in second.pillars.order_by("order")] == [
        ("Y1", "Schools"),
        ("Y2", "Sport and culture"),
        ("Y3", "Online spaces"),
    ]
    assert [(p.code, p.name) for p in first.pillars.order_by("order")] == [("Y1", "Schools"), ("Y2", "Sport")]

    # 3. Compare: from version 1 to version 2, one pillar added and one renamed, one the same.
    page.goto(f"{live_server.url}{second.get_absolute_url()}")
    page.get_by_role("link", name="Compare versions").click()
    expect(page.get_by_role("heading", name="From version 1 to version 2")).to_be_visible()
    diff = page.locator("#pillar-diff")
    added = diff.locator('[data-change="added"]')
    expect(added).to_have_count(1)
    expect(added).to_contain_text("Y3")
    expect(added).to_contain_text("Online spaces")
    renamed = diff.locator('[data-change="renamed"]')
    expect(renamed).to_have_count(1)
    expect(renamed.locator("td").nth(1)).to_have_text("Sport")
    expect(renamed.locator("td").nth(2)).to_have_text("Sport and culture")
    expect(diff.locator('[data-change="removed"]')).to_have_count(0)
    expect(page.get_by_text("1 pillar is the same in both.")).to_be_visible()
    assert axe() == []

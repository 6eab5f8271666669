"""A newcomer signs in, searches the directory and registers an organisation, in real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from stakeholders.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_search_and_create(live_server, page: Page, world, axe):
    world.alice.set_password("a-long-demo-password")
    world.alice.save()

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label("Password").fill("a-long-demo-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()

    page.get_by_role("link", name="Directory").click()
    page.get_by_label("Search", exact=True).fill("harbour")
    expect(page.locator("#directory-results")).to_contain_text("Harbour Youth Forum")
    expect(page.locator("#directory-results")).not_to_contain_text("South Police")
    assert axe() == []

    page.get_by_role("link", name="Register an organisation").click()
    page.get_by_label("Name").first.fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()

    page.get_by_label("Name", exact=False).first.fill("Harbour Interfaith Council")
    page.get_by_label("Kind").select_option("faith")
    page.get_by_label("Sector").select_option(label="Civil society")
    page.get_by_label("Jurisdiction").select_option(label="Harbour City")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Harbour Interfaith Council")).to_be_visible()
    assert Organisation.objects.filter(name="Harbour Interfaith Council", jurisdiction=world.city).exists()


def test_right_to_left_layout_for_arabic(live_server, page: Page, world, login):
    login(world.charlie)
    page.goto(f"{live_server.url}/registry/organisations/")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert "bootstrap.rtl" in page.content()

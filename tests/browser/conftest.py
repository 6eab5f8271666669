"""Browser tests: a real headless Chromium (Debian's package) against Django's live server.

Playwright's sync API runs an event loop in this thread, so Django's async-safety check must be
relaxed for these tests (and only these: they live in their own folder).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    if not CHROMIUM:
        # CI installs Chromium (.ci/run); on a newcomer's machine the message says what to do.
        pytest.fail("Chromium is needed for the browser tests: `apt-get install chromium` or set CHROMIUM_PATH.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def login(live_server, page, client):  # type: ignore[no-untyped-def]
    """``login(user)``: the browser page signed in as ``user`` (session cookie, no form)."""
    from django.conf import settings

    def do(user) -> None:  # type: ignore[no-untyped-def]
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return do


@pytest.fixture
def axe(page) -> Callable[[], list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    """Run axe-core (vendored) on the current page; returns WCAG 2.1 A/AA violations."""

    def run() -> list[dict[str, object]]:
        # Evaluated, not added as a <script> tag: an injected inline script would break the pages'
        # Content-Security-Policy (and be refused).
        page.evaluate(AXE_JS.read_text())
        tags = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']"
        result = page.evaluate(f"async () => await axe.run(document, {{runOnly: {{type: 'tag', values: {tags}}}}})")
        return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]

    return run


@pytest.fixture(autouse=True)
def _no_content_security_policy_violation(request):  # type: ignore[no-untyped-def]
    """Every browser test also checks that the pages it drives break no rule of the
    Content-Security-Policy (Chromium reports each refused script, style or image on the console)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield
    assert refused == [], refused


def pick(page, label: str, text: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Choose ``option`` in the type-ahead picker labelled ``label`` as a keyboard user does: type
    ``text``, arrow down through the list box until ``option`` is the active one, press Enter."""
    from playwright.sync_api import expect

    # ``label`` is the picker's accessible name, "(required)" aside (a multi-pick field's later boxes
    # are "<label>, choice <n>"), or "#<id>".
    name = re.compile(rf"^{re.escape(label)}( \(required\))?$")
    box = page.locator(label) if label.startswith("#") else page.get_by_role("combobox", name=name)
    box.fill("")
    box.press_sequentially(text, delay=20)
    listbox = page.locator(f"#{box.get_attribute('id')}_listbox")
    expect(listbox.get_by_role("option", name=option, exact=False).first).to_be_visible()
    names = [n.strip() for n in listbox.get_by_role("option").all_inner_texts()]
    index = next(i for i, n in enumerate(names) if n.startswith(option))
    for _ in range(index + 1):
        box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", listbox.get_by_role("option").nth(index).get_attribute("id"))
    box.press("Enter")
    expect(box).to_have_value(option)

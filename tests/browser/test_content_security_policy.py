"""Pages work under the Content-Security-Policy (finding 17 of issue #7): the autouse fixture in
conftest.py fails any browser test whose pages break a rule; these visit the pages the other
browser tests do not drive (the admin, the API docs, account pages)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_account_pages_and_api_docs_run_under_the_policy(live_server, page: Page, world, login):
    login(world.admin)
    for url in ["/admin/", "/admin/core/user/", f"/admin/core/user/{world.alice.pk}/change/", "/profile/"]:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        assert "script-src 'self';" in response.headers["content-security-policy"], url

    page.goto(f"{live_server.url}/api/docs/")
    # Swagger UI started from its script file (Redoc, at /api/redoc/, also renders, after the schema is
    # built, but asks a CDN for its loading logo, which the policy refuses: as it should, offline)
    expect(page.get_by_text("Roundtable API").first).to_be_visible(timeout=20_000)

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_page_gets_the_site_404(client_for, world):
    response = client_for(world.charlie).get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_dashboard_shows_the_users_roles(client_for, world):
    assert "Coordinator" in client_for(world.alice).get("/").text
    assert "Harbour Youth Forum" in client_for(world.olga).get("/").text
    assert "No roles yet" in client_for(world.charlie).get("/").text


def test_notifications_on_the_dashboard_can_be_marked_read(client_for, world):
    from core.services import notification_send

    notification_send(recipient=world.mona, title="Agenda for the TLCC is out", url="/")
    c = client_for(world.mona)
    assert "Agenda for the TLCC is out" in c.get("/").text
    c.post("/profile/notifications/read/")
    assert "Agenda for the TLCC is out" not in c.get("/").text
    assert "Agenda for the TLCC is out" not in client_for(world.olga).get("/").text


def test_language_switch_and_right_to_left(client_for, world):
    c = client_for(world.charlie)
    c.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = c.get("/")
    assert 'dir="rtl"' in page.text
    assert 'lang="ar"' in page.text
    assert "bootstrap.rtl.min.css" in page.text
    assert "لوحة المعلومات" in page.text  # "Dashboard", from the Arabic catalogue


def test_base_layout_has_landmarks_and_skip_link(client_for, world):
    text = client_for(world.charlie).get("/").text
    for fragment in ('href="#main"', "<header", "<main", "<footer", 'aria-label="Main"'):
        assert fragment in text


def test_history_shows_readable_actions(client_for, world):
    from stakeholders import services

    services.organisation_update(actor=world.alice, organisation=world.org, phone="+1 555 0100")
    page = client_for(world.alice).get(world.org.get_absolute_url()).text
    assert "Organisation changed" in page
    assert "organisation.update" not in page

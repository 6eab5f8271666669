"""The smaller items: lead organisation shown, a summoned official's breadcrumb, composition shares,
history names who was added, Mapping for a chair, static files that collect, the portal's own
error pages under make run."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

from coordination import services
from coordination.models import Invitation
from tests.coordination.factories import AgendaItemFactory, DecisionFactory, MeetingFactory
from tests.factories import PersonFactory, UserFactory


def test_a_decisions_lead_organisation_is_shown(cw, client_for):
    meeting = MeetingFactory(committee=cw.committee)
    item = AgendaItemFactory(meeting=meeting)
    DecisionFactory(agenda_item=item, meeting=meeting, committee=cw.committee, owner_organisation=cw.org)
    assert "lead: Harbour Youth Forum" in client_for(cw.mike).get(meeting.get_absolute_url()).text


def test_a_summoned_officials_breadcrumb_does_not_link_to_the_committee(cw, client_for):
    meeting = MeetingFactory(committee=cw.committee)
    official = UserFactory(email="official@example.org")
    Invitation.objects.create(meeting=meeting, person=PersonFactory(user=official), kind="summoned")
    page = client_for(official).get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert f'href="{cw.committee.get_absolute_url()}"' not in page.text
    assert client_for(official).get(cw.committee.get_absolute_url()).status_code == 404
    assert f'href="{cw.committee.get_absolute_url()}"' in client_for(cw.mike).get(meeting.get_absolute_url()).text


def test_history_says_who_was_added_and_composition_shows_shares(cw, client_for):
    services.membership_add(
        actor=cw.alice, committee=cw.committee, person=PersonFactory(full_name="Nadia New", jurisdiction=cw.city)
    )
    page = client_for(cw.alice).get(cw.committee.get_absolute_url()).text
    assert "Member added: Nadia New" in page
    assert "100%" in page and "% security" in page


def test_mapping_is_not_a_404_for_a_chair(cw, client_for):
    page = client_for(cw.carol).get("/")
    assert "Mapping" in page.text
    assert client_for(cw.carol).get("/registry/mapping/").status_code == 200


def test_vendored_static_files_reference_no_missing_source_map():
    for path in Path(settings.BASE_DIR, "static", "vendor").rglob("*"):
        if path.suffix in {".js", ".css"}:
            for ref in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(errors="ignore")):
                assert (path.parent / ref).exists(), f"{path} names a missing {ref}"


def test_make_run_serves_the_portals_own_error_pages():
    from importlib import import_module

    before = os.environ.pop("DJANGO_DEBUG", None)
    try:
        local = import_module("config.settings.local")
        assert local.DEBUG is False and local.WHITENOISE_USE_FINDERS is True
    finally:
        if before is not None:
            os.environ["DJANGO_DEBUG"] = before

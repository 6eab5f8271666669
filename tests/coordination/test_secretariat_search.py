"""The header search: committees, meetings, agenda items, decisions, organisations and people,
through the permission registry (no title or count of anything the user may not see)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coordination.models import Attendance
from core import search
from tests.coordination.factories import AgendaItemFactory, DecisionFactory, MeetingFactory
from tests.factories import PersonFactory


def _search(client, q, **extra):  # type: ignore[no-untyped-def]
    return client.get(reverse("search"), {"q": q, **extra})


def test_the_header_has_one_search_box(cw, client_for):
    page = client_for(cw.mike).get(reverse("home")).text
    assert 'role="search"' in page and f'action="{reverse("search")}"' in page


def test_tlcc_finds_the_committee_its_meetings_items_and_decisions(cw, client_for):
    meeting = MeetingFactory(committee=cw.committee, title="HCCC monthly meeting")
    item = AgendaItemFactory(meeting=meeting, title="Youth outreach in the harbour")
    DecisionFactory(agenda_item=item, meeting=meeting, committee=cw.committee, text="Open a harbour youth desk")
    mike = client_for(cw.mike)
    page = _search(mike, "HCCC").text
    assert "Harbour City Coordination Committee" in page and "HCCC monthly meeting" in page
    found = _search(mike, "harbour youth").text
    assert "Youth outreach in the harbour" in found and "Open a harbour youth desk" in found
    assert "Harbour Youth Forum" in found  # the organisation, from the registry
    for user in (cw.charlie,):
        hidden = _search(client_for(user), "harbour youth").text
        assert "Open a harbour youth desk" not in hidden and "Youth outreach in the harbour" not in hidden
        assert "HCCC monthly meeting" not in _search(client_for(user), "HCCC").text


def test_a_confidential_decision_is_found_by_attendees_only(cw, client_for):
    meeting = MeetingFactory(committee=cw.committee, is_confidential=True, title="Safe space")
    meeting.attendance.create(
        person=cw.sam_person, status=Attendance.Status.PRESENT, attendee_user_id=cw.sam.pk, recorded_by=cw.alice
    )
    item = AgendaItemFactory(meeting=meeting, title="A case", minutes="<p>Zanzibarian detail</p>")
    DecisionFactory(agenda_item=item, meeting=meeting, committee=cw.committee, text="Refer the Quixote family")
    for user in (cw.mike, cw.carol, cw.bob, cw.admin):
        page = _search(client_for(user), "Quixote").text
        assert "Refer the Quixote family" not in page and "Nothing found" in page
    assert "Refer the Quixote family" in _search(client_for(cw.sam), "Quixote").text
    assert "Nothing found" in _search(client_for(cw.sam), "Zanzibarian").text  # minutes are never searched


def test_people_are_found_by_name_never_by_contact_details(cw, client_for):
    PersonFactory(full_name="Rahima Begum", email="rahima.private@example.org", jurisdiction=cw.city)
    assert "Rahima Begum" in _search(client_for(cw.alice), "Rahima").text
    assert "Rahima Begum" not in _search(client_for(cw.alice), "rahima.private").text


def test_other_apps_register_their_own_kinds(cw, client_for):
    from stakeholders.models import Sector

    kind = search.register(
        search.SearchKind(
            key="sectors-test",
            label=_("Sectors"),
            model=Sector,
            fields=("name",),
            title=lambda s: s.name,
            url=lambda s: "/registry/",
        )
    )
    try:
        page = _search(client_for(cw.mike), "enforcement").text
        assert "Law enforcement" in page
    finally:
        search._KINDS.pop(kind.key)


@pytest.mark.parametrize("rows", [2, 15])
def test_search_reads_a_fixed_number_of_queries(cw, client_for, django_assert_max_num_queries, rows):
    for n in range(rows):
        meeting = MeetingFactory(committee=cw.committee, title=f"Harbour meeting {n}")
        DecisionFactory(
            agenda_item=AgendaItemFactory(meeting=meeting),
            meeting=meeting,
            committee=cw.committee,
            text=f"Harbour decision {n}",
        )
    client = client_for(cw.mike)
    with django_assert_max_num_queries(16):
        page = _search(client, "harbour")
    assert page.status_code == 200 and "More Meetings" in page.text or rows <= 5
    more = _search(client, "harbour", kind="meetings").text
    assert "Harbour meeting 1" in more

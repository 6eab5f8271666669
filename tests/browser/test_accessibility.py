"""Every page a user visits passes axe-core (WCAG 2.1 A/AA) at desktop width, fits a phone (390 px) without
sideways scrolling, and reads right to left in Arabic; the skip link and the focus ring work from the
keyboard; printed agendas show the content only. Pages are grouped per persona (one browser session each)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coordination.models import Attendance, Committee, CommitteeMembership, Invitation, Meeting
from stakeholders.models import StakeholderMapping
from tests.coordination.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    CommitteeMembershipFactory,
    DecisionFactory,
    InvitationFactory,
    MeetingFactory,
)
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    PositionFactory,
    ResourceOfferFactory,
    StakeholderMappingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1300, "height": 900}
PHONE = {"width": 390, "height": 844}

# Elements wider than the viewport, outside the deliberately scrollable .table-responsive containers
# (which clip what they hold, so the document itself never scrolls sideways). Reported on failure.
OVERFLOW = """() => {
  const w = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-responsive')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > w + 1 || r.left < -1)) wide.push(el.tagName.toLowerCase() + '.' + el.className);
  }
  return {scroll: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 5)};
}"""

CSV_WITH_ERROR = (
    "name,kind,sector,jurisdiction,acronym\n"
    "Harbour Dockworkers Youth Club,youth,civil-society,RU-N-HC,HDYC\n"
    "Harbour Chamber of Commerce,private,chambers-of-commerce,RU-N-HC,HCC\n"
)


def check_pages(page: Page, base: str, axe, pages: list[str], *, rtl: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Each page: axe at desktop width (and dir/lang when ``rtl``), then no sideways scroll on a phone."""
    for path in pages:
        page.set_viewport_size(DESKTOP)
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status < 500, path
        expect(page.locator("h1").first).to_be_visible()
        if rtl:
            assert page.evaluate("[document.documentElement.dir, document.documentElement.lang]") == ["rtl", "ar"], path
        assert axe() == [], path
        page.set_viewport_size(PHONE)
        page.reload()
        overflow = page.evaluate(OVERFLOW)
        assert overflow["scroll"] <= overflow["width"] + 1, (path, overflow)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def harbour(world) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """The registry and a committee with a past meeting (draft minutes, a decision) and a planned one."""
    clinic = OrganisationFactory(name="Harbour Clinic", acronym="HC", jurisdiction=world.city, sector=world.civil)
    PartnershipFactory(organisation=world.org, partner=clinic, kind="referral")
    pat = PersonFactory(
        full_name="Pat Okafor",
        email="pat@example.org",
        jurisdiction=world.city,
        contact_consent_at=world.org.created_at,
    )
    PositionFactory(person=pat, organisation=world.org, title="Youth worker", start_date=date(2024, 1, 1))
    StakeholderMappingFactory(
        jurisdiction=world.district,
        organisation=world.org,
        influence=4,
        interest=5,
        engagement_level=StakeholderMapping.Engagement.COLLABORATE,
    )
    ResourceOfferFactory(organisation=clinic, title="Counselling hours", quantity=20, unit="hours")

    carol = UserFactory(email="carol@example.org", full_name="Carol Chair")
    carol_person = PersonFactory(full_name="Carol Chair", email="carol@example.org", user=carol)
    committee = CommitteeFactory(
        name="Harbour City Coordination Committee",
        acronym="HCCC",
        kind=Committee.Kind.TLCC,
        jurisdiction=world.city,
        remit="Prevention in the harbour.",
        quorum_rule=Committee.QuorumRule.COUNT,
        quorum_value=2,
    )
    CommitteeMembershipFactory(
        committee=committee,
        person=carol_person,
        organisation=world.org,
        role=CommitteeMembership.Role.CHAIR,
        designation="elected",
    )
    CommitteeMembershipFactory(committee=committee, person=pat, organisation=world.org)

    start = timezone.now() - timedelta(days=14)
    held = MeetingFactory(
        committee=committee,
        title="Harbour TLCC",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        status=Meeting.Status.MINUTES_DRAFTED,
        quorum_met=True,
        location="Town hall",
    )
    item = AgendaItemFactory(
        meeting=held,
        title="Youth outreach",
        presenter="Carol Chair",
        duration_minutes=20,
        minutes="<p>Members discussed <strong>youth outreach</strong>.</p>",
    )
    DecisionFactory(
        agenda_item=item,
        kind="action",
        text="Map the youth clubs",
        owner=pat,
        due_date=date.today() + timedelta(days=30),
    )
    for person in (carol_person, pat):
        InvitationFactory(meeting=held, person=person, response=Invitation.Response.ACCEPTED)
    AttendanceFactory(meeting=held, person=carol_person)
    AttendanceFactory(meeting=held, person=pat, status=Attendance.Status.APOLOGIES)

    soon = timezone.now() + timedelta(days=7)
    planned = MeetingFactory(
        committee=committee, title="Harbour TLCC", starts_at=soon, ends_at=soon + timedelta(hours=2)
    )
    AgendaItemFactory(meeting=planned, title="Partnership review", presenter="Carol Chair")
    # On a day of another month that a month's grid shows (31 December in January 2027's first week),
    # whatever the date the test runs on.
    year_end = datetime(2026, 12, 31, 10, tzinfo=UTC)
    MeetingFactory(
        committee=committee, title="Year-end review", starts_at=year_end, ends_at=year_end + timedelta(hours=2)
    )
    for person in (carol_person, pat):
        InvitationFactory(meeting=planned, person=person)
    return SimpleNamespace(
        **vars(world), clinic=clinic, pat=pat, carol=carol, committee=committee, held=held, planned=planned
    )


def test_coordinator_pages(live_server, page: Page, harbour, login, axe):
    w = harbour
    login(w.alice)
    check_pages(
        page,
        live_server.url,
        axe,
        [
            "/",
            "/registry/organisations/",
            f"/registry/organisations/?q=harbour&jurisdiction={w.city.pk}",
            f"/registry/organisations/{w.org.pk}/",
            f"/registry/organisations/{w.org.pk}/edit/",
            f"/registry/organisations/{w.org.pk}/people/",
            "/registry/organisations/new/",
            "/registry/jurisdictions/",
            f"/registry/jurisdictions/{w.district.pk}/",
            f"/registry/jurisdictions/{w.district.pk}/access/",
            "/registry/people/",
            f"/registry/people/{w.pat.pk}/",
            "/registry/people/new/",
            "/registry/partnerships/",
            "/registry/mapping/",
            f"/registry/mapping/{w.district.pk}/",
            f"/registry/mapping/{w.district.pk}/grid/",
            f"/registry/mapping/{w.district.pk}/heatmap/",
            "/registry/offers/",
            "/registry/import/",
            "/registry/search/?q=harbour",
            "/coordination/",
            f"/coordination/committees/{w.committee.pk}/",
            f"/coordination/committees/{w.committee.pk}/edit/",
            f"/coordination/committees/{w.committee.pk}/members/new/",
            f"/coordination/meetings/{w.held.pk}/",
            f"/coordination/meetings/{w.held.pk}/attendance/",
            f"/coordination/meetings/{w.held.pk}/print/",
            f"/coordination/meetings/{w.planned.pk}/edit/",
            "/coordination/calendar/",
            "/coordination/calendar/?month=2027-01",
            "/profile/",
            "/accounts/2fa/",
            "/accounts/password/change/",
            "/accounts/email/",
            "/no/such/page/",
        ],
    )

    # an import with a row error: the preview lists it in a table
    page.goto(f"{live_server.url}/registry/import/")
    page.get_by_label("The file lists").select_option("organisations")
    page.get_by_label("CSV or XLSX file").set_input_files(
        {"name": "harbour.csv", "mimeType": "text/csv", "buffer": CSV_WITH_ERROR.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("table", name="Errors by line and column")).to_be_visible()
    assert axe() == []
    page.set_viewport_size(PHONE)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= overflow["width"] + 1, overflow


def test_member_chair_and_outsider_pages(live_server, page: Page, harbour, login, axe, client):
    w = harbour
    login(w.carol)  # chairs the committee: sees minutes, replies to the invitation
    check_pages(
        page,
        live_server.url,
        axe,
        [
            "/",
            f"/coordination/committees/{w.committee.pk}/",
            f"/coordination/meetings/{w.planned.pk}/",
            f"/coordination/meetings/{w.held.pk}/",
            f"/coordination/meetings/{w.held.pk}/print/",
            "/coordination/calendar/",
        ],
    )
    page.context.clear_cookies()
    login(w.mona)  # a member of an organisation
    check_pages(
        page,
        live_server.url,
        axe,
        [
            "/",
            "/registry/organisations/",
            f"/registry/organisations/{w.org.pk}/",
            "/profile/",
        ],
    )
    page.context.clear_cookies()
    login(w.charlie)  # signed in, no role: empty lists, refusals
    check_pages(
        page,
        live_server.url,
        axe,
        [
            "/",
            "/registry/organisations/",
            "/registry/jurisdictions/",
            "/coordination/",
            f"/registry/organisations/{w.org.pk}/edit/",
        ],
    )


def test_signed_out_pages(live_server, page: Page, world, axe):
    check_pages(page, live_server.url, axe, ["/accounts/login/", "/accounts/password/reset/", "/accounts/signup/"])
    # a failed sign-in: the error is announced and the page still passes
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe() == []


def test_arabic_pages_read_right_to_left(live_server, page: Page, harbour, login, axe):
    w = harbour
    login(w.alice)
    page.goto(f"{live_server.url}/profile/")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.locator("link[href*='bootstrap.rtl']").count() == 1
    check_pages(
        page,
        live_server.url,
        axe,
        [
            "/",
            "/registry/organisations/",
            f"/registry/organisations/{w.org.pk}/",
            "/registry/jurisdictions/",
            f"/registry/jurisdictions/{w.district.pk}/access/",
            "/registry/people/",
            f"/registry/mapping/{w.district.pk}/grid/",
            f"/registry/mapping/{w.district.pk}/heatmap/",
            f"/coordination/committees/{w.committee.pk}/",
            f"/coordination/meetings/{w.held.pk}/",
            f"/coordination/meetings/{w.held.pk}/attendance/",
            "/coordination/calendar/",
            "/no/such/page/",
        ],
        rtl=True,
    )


def test_keyboard_focus_and_print(live_server, page: Page, harbour, login):
    w = harbour
    login(w.alice)
    page.goto(f"{live_server.url}/coordination/meetings/{w.held.pk}/")

    # the first Tab reaches the skip link, which shows itself and moves focus to the main content
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # every keyboard-focused control draws a visible ring
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline

    # the printed agenda and minutes: content only, no navigation, footer or buttons
    page.goto(f"{live_server.url}/coordination/meetings/{w.held.pk}/print/")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Harbour TLCC")).to_be_visible()
    expect(page.get_by_text("Map the youth clubs")).to_be_visible()
    expect(page.locator("body > header")).to_be_hidden()
    expect(page.locator("body > footer")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()

"""The agenda packet and approved minutes as PDF, in the reader's language, right-to-left for
Arabic and Urdu, with only what the reader may read."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from coordination import pdf, services
from coordination.models import Attendance
from tests.coordination.factories import MeetingFactory


def _text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def approved(cw):  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(
        committee=cw.committee, title="Tangail TLCC", starts_at=timezone.now() - timedelta(hours=3), status="held"
    )
    for person in (cw.sam_person, cw.carol_person, cw.mike_person):
        meeting.invitations.create(person=person)
    services.attendance_record(
        actor=cw.alice,
        meeting=meeting,
        entries=[
            {"person": cw.sam_person, "status": Attendance.Status.PRESENT},
            {"person": cw.carol_person, "status": Attendance.Status.PRESENT},
            {"person": cw.mike_person, "status": Attendance.Status.APOLOGIES},
        ],
    )
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Youth outreach", presenter="Mayor")
    services.minutes_record(
        actor=cw.sam, item=item, minutes="<p>The forum <strong>reported</strong>.</p><ul><li>Schools</li></ul>"
    )
    services.decision_record(
        actor=cw.sam, item=item, text="Open a youth desk", owner=cw.mike_person, owner_organisation=cw.org
    )
    services.minutes_approve(actor=cw.sam, meeting=meeting)
    return meeting


def test_minutes_pdf_holds_attendance_minutes_and_outcomes(cw, approved, client_for):
    response = client_for(cw.mike).get(reverse("coordination:meeting-minutes-pdf", args=[approved.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = _text(response.content)
    for expected in ("Tangail TLCC", "Mike Member", "Apologies", "The forum reported.", "• Schools"):
        assert expected in text, expected
    assert "Open a youth desk" in text and "Harbour Youth Forum" in text and "Quorum met." in text


def test_agenda_packet_lists_items_and_papers(cw, approved, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ROUNDTABLE_PAPERS_ROOT = tmp_path
    item = approved.agenda_items.get()
    services.minutes_reopen(actor=cw.carol, meeting=approved, reason="Add the paper")
    services.paper_add(
        actor=cw.sam, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF"), title="Youth plan", agenda_item=item
    )
    response = client_for(cw.mike).get(reverse("coordination:meeting-agenda-pdf", args=[approved.pk]))
    assert response.status_code == 200
    text = _text(response.content)
    assert "Agenda" in text and "1. Youth outreach" in text and "Presented by Mayor" in text
    assert "Youth plan (plan.pdf)" in text
    assert client_for(cw.charlie).get(reverse("coordination:meeting-agenda-pdf", args=[approved.pk])).status_code == 404


def test_minutes_pdf_only_once_approved_and_only_to_those_who_read_them(cw, client_for):
    meeting = MeetingFactory(committee=cw.committee, is_confidential=True, status="minutes_approved")
    meeting.attendance.create(
        person=cw.sam_person, status=Attendance.Status.PRESENT, attendee_user_id=cw.sam.pk, recorded_by=cw.alice
    )
    url = reverse("coordination:meeting-minutes-pdf", args=[meeting.pk])
    for user in (cw.mike, cw.carol, cw.bob, cw.admin, cw.charlie):
        assert client_for(user).get(url).status_code == 404
    assert client_for(cw.sam).get(url).status_code == 200
    draft = MeetingFactory(committee=cw.committee, status="minutes_drafted")
    assert client_for(cw.sam).get(reverse("coordination:meeting-minutes-pdf", args=[draft.pk])).status_code == 404


def test_the_pdf_is_in_the_readers_language_and_right_to_left_for_arabic(cw, approved, client_for):
    client = client_for(cw.mike)
    client.cookies["django_language"] = "ar"
    response = client.get(reverse("coordination:meeting-agenda-pdf", args=[approved.pk]), HTTP_ACCEPT_LANGUAGE="ar")
    text = _text(response.content)
    assert "جدول" in text and "الأعمال" in text  # "Agenda", from the Arabic catalogue
    from coordination.selectors import meeting_get_for_user, meeting_page_for_user

    page = meeting_page_for_user(cw.mike, meeting_get_for_user(cw.mike, approved.pk))
    doc = pdf._Document(title="t", rtl=True)
    assert doc.align == "R"
    english = pdf.agenda_packet(page, language="en")
    assert "جدول" not in _text(english)


def test_bengali_text_is_shaped_with_the_bundled_font(cw, approved):
    from coordination.selectors import meeting_get_for_user, meeting_page_for_user

    item = approved.agenda_items.get()
    item.title = "সভার কার্যবিবরণী"
    item.save()
    page = meeting_page_for_user(cw.sam, meeting_get_for_user(cw.sam, approved.pk))
    body = pdf.approved_minutes(page, language="bn")
    assert b"NotoSansBengali" in body
    assert "সভার" in _text(body)

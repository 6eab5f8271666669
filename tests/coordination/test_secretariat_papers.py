"""Papers: attached to agenda items, minutes and committees; checked by content, size-limited,
optionally scanned, stored outside the public media path, served under the owner's rule."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.models import Attendance, Paper
from tests.coordination.factories import MeetingFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def scan_refuses_eicar(upload, name):  # type: ignore[no-untyped-def]
    """A scanner for the hook: refuses the EICAR test string."""
    return "EICAR test signature" if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in upload.read() else None


@pytest.fixture(autouse=True)
def _papers_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.ROUNDTABLE_PAPERS_ROOT = tmp_path / "papers"
    settings.MEDIA_ROOT = tmp_path / "media"


def _docx() -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return data.getvalue()


def _held(cw, **extra):  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(
        committee=cw.committee, starts_at=timezone.now() - timedelta(hours=1), status="held", **extra
    )
    for person in (cw.sam_person, cw.carol_person, cw.mike_person):
        meeting.invitations.create(person=person)
    return meeting


def test_papers_on_items_minutes_and_committees_are_stored_privately_and_served(cw, client_for, settings):
    meeting = _held(cw)
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Budget")
    paper = services.paper_add(
        actor=cw.sam, upload=SimpleUploadedFile("budget.pdf", PDF), title="Budget 2027", agenda_item=item
    )
    path = Path(paper.file.path)
    assert path.is_file() and str(path).startswith(str(settings.ROUNDTABLE_PAPERS_ROOT))
    assert not str(path).startswith(str(settings.MEDIA_ROOT)) and "budget" not in path.name
    with pytest.raises(ValueError):
        paper.file.url  # noqa: B018  (no public address)
    services.paper_add(actor=cw.sam, upload=SimpleUploadedFile("notes.docx", _docx()), meeting=meeting)
    services.paper_add(
        actor=cw.sam, upload=SimpleUploadedFile("terms.txt", b"Terms of reference"), committee=cw.committee
    )
    assert Paper.objects.count() == 3
    response = client_for(cw.mike).get(reverse("coordination:paper-download", args=[paper.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    page = client_for(cw.mike).get(meeting.get_absolute_url()).text
    assert "Budget 2027" in page and "notes.docx" in page
    assert "terms.txt" in client_for(cw.mike).get(cw.committee.get_absolute_url()).text
    assert client_for(cw.charlie).get(reverse("coordination:paper-download", args=[paper.pk])).status_code == 404


def test_a_confidential_meetings_paper_is_404_to_a_member_who_did_not_attend(cw, client_for):
    meeting = _held(cw, is_confidential=True)
    services.attendance_record(
        actor=cw.alice,
        meeting=meeting,
        entries=[
            {"person": cw.sam_person, "status": Attendance.Status.PRESENT},
            {"person": cw.mike_person, "status": Attendance.Status.APOLOGIES},
        ],
    )
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="A case")
    paper = services.paper_add(
        actor=cw.sam, upload=SimpleUploadedFile("case.pdf", PDF), title="Case file", agenda_item=item
    )
    minutes_paper = services.paper_add(actor=cw.sam, upload=SimpleUploadedFile("m.pdf", PDF), meeting=meeting)
    for user in (cw.mike, cw.carol, cw.bob, cw.alice, cw.admin, cw.charlie):
        for p in (paper, minutes_paper):
            assert client_for(user).get(reverse("coordination:paper-download", args=[p.pk])).status_code == 404
    assert "Case file" not in client_for(cw.mike).get(meeting.get_absolute_url()).text
    assert client_for(cw.sam).get(reverse("coordination:paper-download", args=[paper.pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("agenda.pdf", b"<html><script>alert(1)</script></html>", "not what its name says"),
        ("report.docx", b"PK\x03\x04not really a zip", "not what its name says"),
        ("tool.exe", b"MZ\x90\x00", "Accepted:"),
        ("notes.txt", b"\x7fELF\x02\x01\x01\x00\x00", "not what its name says"),
        ("photo.png", PDF, "not what its name says"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_file_is_checked_by_its_content(cw, name, content, message):
    meeting = _held(cw)
    with pytest.raises(ValidationError, match=message):
        services.paper_add(actor=cw.sam, upload=SimpleUploadedFile(name, content), meeting=meeting)
    assert not Paper.objects.exists()


def test_size_limit_and_the_virus_scan_hook(cw, settings, client_for):
    meeting = _held(cw)
    settings.ROUNDTABLE_PAPER_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="larger than"):
        services.paper_add(actor=cw.sam, upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 2048), meeting=meeting)
    settings.ROUNDTABLE_PAPER_SCANNER = "tests.coordination.test_secretariat_papers.scan_refuses_eicar"
    eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    with pytest.raises(ValidationError, match="virus scan: EICAR"):
        services.paper_add(actor=cw.sam, upload=SimpleUploadedFile("eicar.txt", eicar), meeting=meeting)
    page = client_for(cw.sam).post(
        reverse("coordination:paper-upload-minutes", args=[meeting.pk]),
        {"file": SimpleUploadedFile("eicar.txt", eicar)},
        follow=True,
    )
    assert "refused by the virus scan" in page.text
    assert services.paper_add(actor=cw.sam, upload=SimpleUploadedFile("ok.txt", b"clean"), meeting=meeting)
    assert Paper.objects.count() == 1


def test_only_those_who_manage_add_or_remove_papers(cw, client_for):
    meeting = _held(cw)
    with pytest.raises(PermissionDenied):
        services.paper_add(actor=cw.mike, upload=SimpleUploadedFile("a.pdf", PDF), meeting=meeting)
    with pytest.raises(PermissionDenied):
        services.paper_add(actor=cw.mike, upload=SimpleUploadedFile("a.pdf", PDF), committee=cw.committee)
    assert (
        client_for(cw.charlie)
        .post(
            reverse("coordination:paper-upload-committee", args=[cw.committee.pk]),
            {"file": SimpleUploadedFile("a.pdf", PDF)},
        )
        .status_code
        == 404
    )
    paper = services.paper_add(actor=cw.sam, upload=SimpleUploadedFile("a.pdf", PDF), committee=cw.committee)
    path = Path(paper.file.path)
    remove = reverse("coordination:paper-remove", args=[paper.pk])
    assert client_for(cw.mike).post(remove).status_code == 403
    assert client_for(cw.charlie).post(remove).status_code == 404
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client_for(cw.sam).post(remove, {"next": cw.committee.get_absolute_url()}).status_code == 302
    assert not Paper.objects.exists() and not path.exists()


def test_removing_a_paper_never_redirects_off_site(cw, client_for):
    from django.test import TestCase

    for target in ("/\\evil.example", "//evil.example", "https://evil.example/"):
        paper = services.paper_add(actor=cw.sam, upload=SimpleUploadedFile("a.pdf", PDF), committee=cw.committee)
        remove = reverse("coordination:paper-remove", args=[paper.pk])
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client_for(cw.sam).post(remove, {"next": target})
        assert response.status_code == 302 and response["Location"] == "/", target


def test_a_paper_is_attached_to_a_backlog_item_through_its_route(cw, client_for):
    item = services.agenda_item_propose(actor=cw.mike, committee=cw.committee, title="Youth centre budget")
    url = reverse("coordination:paper-upload-item", args=[item.pk])
    upload = SimpleUploadedFile("budget.pdf", PDF, content_type="application/pdf")
    # A member may propose, not attach; the outsider does not see the item.
    assert client_for(cw.mike).post(url, {"file": upload}).status_code == 403
    assert client_for(cw.charlie).post(url, {"file": upload}).status_code == 404
    upload = SimpleUploadedFile("budget.pdf", PDF, content_type="application/pdf")
    response = client_for(cw.alice).post(url, {"title": "Budget", "file": upload})
    assert response.status_code == 302 and response["Location"].endswith(f"#backlog-item-{item.pk}")
    paper = Paper.objects.get(agenda_item=item)
    page = client_for(cw.mike).get(cw.committee.get_absolute_url()).text
    assert reverse("coordination:paper-download", args=[paper.pk]) in page and "Budget" in page
    assert client_for(cw.mike).get(reverse("coordination:paper-download", args=[paper.pk])).status_code == 200
    assert client_for(cw.charlie).get(reverse("coordination:paper-download", args=[paper.pk])).status_code == 404

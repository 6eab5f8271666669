"""One content check for every upload (core.uploads): the first bytes decide, not the name."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core import uploads

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
ACCEPTED = uploads.formats("pdf", "png", "docx", "odt", "txt", "csv")


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def check(name: str, content: bytes, **kw):  # type: ignore[no-untyped-def]
    return uploads.check(io.BytesIO(content), name=name, accepted=ACCEPTED, max_bytes=kw.pop("max_bytes", 1000), **kw)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Report 2026.PDF", PDF, "application/pdf"),
        ("chart.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        ("minutes.docx", _zip(word__document_xml=b"<w/>"), ACCEPTED["docx"][0]),
        ("plan.odt", _zip(mimetype=b"application/vnd.oasis.opendocument.text"), ACCEPTED["odt"][0]),
        ("notes.txt", "Kumanovo: ‘Community Action Team’ — زيارة".encode(), "text/plain"),
        ("people.csv", b"name,sector\nAmina,Youth\n", "text/csv"),
    ],
)
def test_a_file_whose_content_is_its_kind_is_accepted(name: str, content: bytes, content_type: str) -> None:
    stream = io.BytesIO(content)
    checked = uploads.check(stream, name=name, accepted=ACCEPTED, max_bytes=1000)
    assert checked.content_type == content_type and checked.size == len(content)
    assert checked.safe_name.rsplit(".", 1)[1] == checked.extension == name.rsplit(".", 1)[1].lower()
    assert stream.tell() == 0  # left at its start, ready to be stored


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("agenda.pdf", b"<html><script>alert(1)</script></html>", "not what its name says"),
        ("notes.txt", b"<!DOCTYPE html><html></html>", "not what its name says"),
        ("logo.txt", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not what its name says"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "not what its name says"),
        ("notes.txt", b"\x7fELF\x02\x01\x01\x00\x00", "not what its name says"),
        ("minutes.docx", _zip(xl__workbook_xml=b"<x/>"), "not what its name says"),
        ("minutes.docx", b"PK\x03\x04 not really a zip", "not what its name says"),
        ("photo.png", PDF, "not what its name says"),
        ("tool.exe", b"MZ\x90\x00", "Accepted: pdf, png"),
        ("no-extension", PDF, "not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_anything_else_is_refused_with_the_reason(name: str, content: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check(name, content)


def test_the_limit_holds_whatever_size_the_client_claims() -> None:
    with pytest.raises(ValidationError, match="larger than"):
        check("a.pdf", PDF, max_bytes=len(PDF) - 1, size=1)
    with pytest.raises(ValidationError, match="larger than"):
        check("a.pdf", PDF, max_bytes=len(PDF), size=len(PDF) + 1)
    assert check("a.pdf", PDF, max_bytes=len(PDF)).size == len(PDF)


def test_a_scanner_can_refuse_and_is_given_the_name() -> None:
    seen = []

    def scan(stream, name):  # type: ignore[no-untyped-def]
        seen.append((name, stream.read(5)))
        return "EICAR test signature"

    with pytest.raises(ValidationError, match="virus scan: EICAR"):
        check("../../etc/report.pdf", PDF, scanner=scan)
    assert seen == [("report.pdf", b"%PDF-")]


@given(st.text(min_size=1, max_size=60))
def test_the_download_name_is_always_safe(original: str) -> None:
    name = uploads.safe_name(original, "pdf")
    stem, extension = name.rsplit(".", 1)
    assert extension == "pdf" and stem and all(c.isalnum() or c in "-_" for c in stem)

"""The item PDF: the TLP label in the header and footer of every page (14 pt, the label's colour on
black), and text in every script the portal ships, read back with pypdf."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.pdf import text_is_rtl
from infosharing import exporting, services
from infosharing.models import TLP

pytestmark = pytest.mark.django_db

ARABIC = "تقرير عن التوتر في الحي"
URDU = "محلے میں کشیدگی کی رپورٹ"
BENGALI = "সভার কার্যবিবরণী"
MACEDONIAN = "Извештај за тензии во заедницата"


def _pages(body: bytes) -> list[str]:
    """Each page's text in logical order; control characters pypdf reports between the glyphs of a
    reordered Bengali vowel sign are dropped."""
    return [
        "".join(ch for ch in page.extract_text() if ch == "\n" or unicodedata.category(ch) != "Cc")
        for page in PdfReader(io.BytesIO(body)).pages
    ]


def _label_sizes(body: bytes, label: str) -> list[float]:
    sizes: list[float] = []
    for page in PdfReader(io.BytesIO(body)).pages:

        def visit(text, cm, tm, font_dict, font_size, sizes=sizes):  # type: ignore[no-untyped-def]
            if label in text:
                sizes.append(font_size * tm[0])

        page.extract_text(visitor_text=visit)
    return sizes


def _export(sw, client_for, item, reader, language="en"):  # type: ignore[no-untyped-def]
    services.agreement_acknowledge(actor=reader, agreement=sw.agreement)
    client = client_for(reader)
    client.cookies["django_language"] = language
    r = client.get(reverse("infosharing:item-export-pdf", args=[item.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    return r.content


def test_every_page_carries_the_label_in_header_and_footer_at_14pt(sw, client_for):
    item = sw.items[TLP.RED]
    item.facts = "line\n" * 400
    item.save()
    body = _export(sw, client_for, item, sw.rita)
    pages = _pages(body)
    assert len(pages) >= 3
    for text in pages:
        assert text.count("TLP:RED") >= 2, text[:200]  # header and footer
    sizes = _label_sizes(body, "TLP:RED")
    assert len(sizes) >= 2 * len(pages) and min(sizes) >= 12


@pytest.mark.parametrize("text", [ARABIC, URDU, BENGALI, MACEDONIAN])
def test_non_latin_titles_and_facts_print_as_written(sw, client_for, text):
    item = sw.items[TLP.AMBER]
    item.title = text
    item.facts = f"{text}\n{text} 2026"
    item.save()
    body = _export(sw, client_for, item, sw.mona)
    printed = "\n".join(_pages(body))
    assert "?" not in printed.replace("TLP:AMBER", "")
    for word in text.split():
        assert word in printed, word
    assert "TLP:AMBER" in printed


def test_right_to_left_content_is_aligned_right_and_the_arabic_page_is_right_to_left(sw, client_for):
    item = sw.items[TLP.AMBER]
    item.title = ARABIC
    item.save()
    pdf = exporting.LabelledPDF(item.label, item.reference, title=item.title, rtl=False)
    assert pdf.align_for(ARABIC) == "R" and pdf.align_for(URDU) == "R"
    assert pdf.align_for(BENGALI) == "L" and pdf.align_for(MACEDONIAN) == "L"
    assert text_is_rtl("2026") is None and pdf.align_for("2026") == "L"
    assert exporting.LabelledPDF(item.label, item.reference, title="t", rtl=True).align_for("2026") == "R"
    body = _export(sw, client_for, item, sw.mona, language="ar")
    starts = _starts(body)
    width = float(PdfReader(io.BytesIO(body)).pages[0].mediabox.width)
    arabic = [x for text, x in starts if "تقرير" in text]
    latin = [x for text, x in starts if text.startswith("secret facts")]
    assert arabic and min(arabic) > width / 2  # the Arabic title starts right of the middle: aligned right
    assert latin and max(latin) < width / 4  # a Latin paragraph keeps its own direction
    english = _starts(_export(sw, client_for, item, sw.mona, language="en"))
    assert min(x for text, x in english if "تقرير" in text) > width / 2
    assert max(x for text, x in english if text.startswith("secret facts")) < width / 4


def _starts(body: bytes) -> list[tuple[str, float]]:
    """Each text run of the first page with the x where it starts."""
    out: list[tuple[str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if text.strip():
            out.append((text.strip(), tm[4] * cm[0] + cm[4]))

    PdfReader(io.BytesIO(body)).pages[0].extract_text(visitor_text=visit)
    return out

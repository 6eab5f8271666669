"""PDF documents in every language the portal ships: the shared part of the PDF exports.

fpdf2 (pure Python) lays the pages out; uharfbuzz shapes the text, so Arabic and Urdu letters join
and Bengali conjuncts form; fpdf2's Unicode bidirectional algorithm orders mixed right-to-left and
left-to-right runs. The fonts are vendored (``core/fonts``, SIL Open Font License): Noto Sans (Latin,
Cyrillic, Greek), with Noto Sans Arabic and Noto Sans Bengali as fallbacks for the characters it
lacks. No system package is needed (docs/adr/0013-secretariat-papers-and-pdf.md).

Apps subclass :class:`UnicodePDF` and write with :meth:`UnicodePDF.para`: a paragraph is aligned to
the right when the document's language is right-to-left, or when the paragraph itself starts with a
right-to-left letter (an Arabic title in an English export).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "NotoSans"
FALLBACKS = ("NotoSansArabic", "NotoSansBengali")


def text_is_rtl(text: str) -> bool | None:
    """The direction of ``text`` from its first strong character (Unicode bidi rule P2): True for
    Arabic, Urdu, Hebrew, False for Latin, Cyrillic, Bengali, None when it has no letter at all."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return None


class UnicodePDF(FPDF):
    """An A4 document with the Noto fonts registered, HarfBuzz shaping on, and a base direction."""

    def __init__(self, *, title: str, rtl: bool, bottom_margin: float = 18) -> None:
        super().__init__(format="A4")
        self.rtl = rtl
        self.align = "R" if rtl else "L"
        self.set_title(title)
        self.set_creator("Roundtable")
        self.set_auto_page_break(auto=True, margin=bottom_margin)
        for family in (FAMILY, *FALLBACKS):
            self.add_font(family, "", str(FONTS / f"{family}-Regular.ttf"))
            self.add_font(family, "B", str(FONTS / f"{family}-Bold.ttf"))
        self.set_fallback_fonts(list(FALLBACKS), exact_match=False)
        # Direction per paragraph from its own characters (Unicode bidi); shaping by HarfBuzz.
        self.set_text_shaping(use_shaping_engine=True)

    def align_for(self, text: str) -> str:
        rtl = text_is_rtl(text)
        return "R" if (self.rtl if rtl is None else rtl) else "L"

    def heading(self, text: str, size: int = 16) -> None:
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, text, align=self.align_for(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, *, size: int = 10, bold: bool = False, indent: float = 0) -> None:
        if not text.strip():
            return
        self.set_font(FAMILY, "B" if bold else "", size)
        align = self.align_for(text)
        if indent:
            if align == "R":
                self.set_right_margin(self.r_margin + indent)
            else:
                self.set_x(self.l_margin + indent)
        self.multi_cell(0, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        if indent and align == "R":
            self.set_right_margin(self.r_margin - indent)
        self.ln(0.5)

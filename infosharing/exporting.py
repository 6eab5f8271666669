"""Exports of shared items, each marked with its TLP label: a PDF of one item (the label in the
header and footer of every page, 12 pt and up, in the label's colour on black; Arabic, Urdu, Bengali
and Cyrillic text shaped and ordered by ``core.pdf``) and a CSV of a list (the highest label in the
file on its first and last lines, and each row's own label)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.pdf import FAMILY, UnicodePDF
from infosharing.models import TLP_COLOUR, InformationItem

LABEL_PT = 14


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class LabelledPDF(UnicodePDF):
    """Every page carries the item's TLP label in its header and footer, in the label's colour on
    black, 14 pt; text in any of the portal's scripts (``core.pdf``)."""

    def __init__(self, label: str, reference: str, *, title: str, rtl: bool) -> None:
        super().__init__(title=title, rtl=rtl, bottom_margin=25)
        self.tlp = f"TLP:{label}" if label else _("Unlabelled")
        self.colour = _rgb(TLP_COLOUR.get(label, "#FFFFFF"))
        self.reference = reference

    def _label_band(self) -> None:
        self.set_font(FAMILY, "B", LABEL_PT)
        self.set_fill_color(0, 0, 0)
        self.set_text_color(*self.colour)
        self.cell(0, 9, self.tlp, align="C", fill=True, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)

    def header(self) -> None:
        self._label_band()
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-20)
        self._label_band()
        self.set_font(FAMILY, "", 9)
        self.cell(0, 6, f"{self.reference} - {self.page_no()}/{{nb}}", align="C")


def item_pdf(item: InformationItem, *, language: str | None = None) -> bytes:
    """One item as the reader's PDF: headings in the reader's language (right-to-left pages for
    Arabic and Urdu), each paragraph of content in its own direction."""
    with translation.override(language or translation.get_language()):
        pdf = LabelledPDF(item.label, item.reference, title=item.title, rtl=bool(translation.get_language_bidi()))
        pdf.alias_nb_pages()
        pdf.add_page()
        pdf.heading(item.title)
        meta = [
            (_("Reference"), item.reference),
            (_("Category"), item.category),
            (_("Originating organisation"), item.organisation.name),
            (_("Agreement cited"), item.agreement.title if item.agreement else "-"),
            (_("Keep until"), formats.date_format(item.retention_until, "DATE_FORMAT")),
            (_("Exported"), formats.date_format(timezone.localtime(), "DATETIME_FORMAT")),
        ]
        for key, value in meta:
            pdf.para(f"{key}: {value}", size=11)
        if item.template is not None:
            pdf.ln(2)
            pdf.para(item.template.name, size=12, bold=True)
            for f in item.template.fields:
                pdf.para(f"{f['label']}: {_value(item.values.get(f['name'], ''))}", size=11)
        for heading, text in ((_("Facts"), item.facts), (_("Opinion and assessment"), item.opinion)):
            pdf.ln(3)
            pdf.para(heading, size=12, bold=True)
            for paragraph in (text or "-").splitlines() or ["-"]:
                pdf.para(paragraph, size=11)
        return bytes(pdf.output())


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(value if value is not None else "")


def items_csv(items: list[InformationItem]) -> str:
    from infosharing.selectors import highest_label

    top = highest_label([i.label for i in items])
    marking = f"TLP:{top}" if top else "TLP:CLEAR"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([marking])
    writer.writerow(
        [_("label"), _("reference"), _("title"), _("category"), _("organisation"), _("created"), _("keep until")]
    )
    for i in items:
        writer.writerow(
            [
                f"TLP:{i.label}" if i.label else "",
                i.reference,
                _csv_safe(i.title),
                _csv_safe(i.category),
                _csv_safe(i.organisation.name),
                i.created_at.date().isoformat(),
                i.retention_until.isoformat(),
            ]
        )
    writer.writerow([marking])
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

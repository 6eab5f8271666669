"""Exports of shared items, each marked with its TLP label: a PDF of one item (the label in the
header and footer of every page, 12 pt and up, in the label's colour on black) and a CSV of a list
(the highest label in the file on its first and last lines, and each row's own label)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from infosharing.models import TLP_COLOUR, InformationItem

LABEL_PT = 14


def _latin1(text: Any) -> str:
    """The built-in PDF fonts cover Latin-1; other characters print as '?' (no font file to ship)."""
    return str(text or "").encode("latin-1", "replace").decode("latin-1")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class LabelledPDF(FPDF):
    def __init__(self, label: str, reference: str) -> None:
        super().__init__(format="A4")
        self.tlp = f"TLP:{label}" if label else _("Unlabelled")
        self.colour = _rgb(TLP_COLOUR.get(label, "#FFFFFF"))
        self.reference = reference
        self.set_auto_page_break(auto=True, margin=25)

    def _label_band(self) -> None:
        self.set_font("Helvetica", "B", LABEL_PT)
        self.set_fill_color(0, 0, 0)
        self.set_text_color(*self.colour)
        self.cell(0, 9, _latin1(self.tlp), align="C", fill=True, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)

    def header(self) -> None:
        self._label_band()
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-20)
        self._label_band()
        self.set_font("Helvetica", "", 9)
        self.cell(0, 6, _latin1(f"{self.reference} - {self.page_no()}/{{nb}}"), align="C")


def item_pdf(item: InformationItem) -> bytes:
    pdf = LabelledPDF(item.label, item.reference)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin1(item.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    meta = [
        (_("Reference"), item.reference),
        (_("Category"), item.category),
        (_("Originating organisation"), item.organisation.name),
        (_("Agreement cited"), item.agreement.title if item.agreement else "-"),
        (_("Keep until"), item.retention_until.isoformat()),
        (_("Exported"), timezone.now().strftime("%Y-%m-%d %H:%M UTC")),
    ]
    for key, value in meta:
        pdf.multi_cell(0, 6, _latin1(f"{key}: {value}"), new_x="LMARGIN", new_y="NEXT")
    if item.template is not None:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, _latin1(item.template.name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for f in item.template.fields:
            pdf.multi_cell(
                0, 6, _latin1(f"{f['label']}: {item.values.get(f['name'], '')}"), new_x="LMARGIN", new_y="NEXT"
            )
    for heading, text in ((_("Facts"), item.facts), (_("Opinion and assessment"), item.opinion)):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, _latin1(text or "-"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


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

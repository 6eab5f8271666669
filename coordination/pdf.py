"""The agenda packet and the approved minutes as PDF, in the reader's language.

Fonts, shaping and direction come from ``core.pdf`` (Noto fonts vendored in ``core/fonts``, HarfBuzz
shaping, pages in Arabic or Urdu aligned to the right; docs/adr/0013-secretariat-papers-and-pdf.md).

What goes in is exactly what the meeting page shows the reader (``selectors.MeetingPage``): a
confidential meeting's minutes, outcomes and papers only for those who attended.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from coordination.models import Meeting
from coordination.selectors import MeetingPage
from core.bidi import isolate
from core.pdf import UnicodePDF


class _Document(UnicodePDF):
    def __init__(self, *, title: str, rtl: bool) -> None:
        super().__init__(title=title, rtl=rtl)
        # An agenda or minutes is written in the reader's language: every paragraph takes its
        # direction (a line that starts with a Latin name stays right-to-left in Arabic).
        self.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
        self.footer_text = ""
        self.add_page()

    def align_for(self, text: str) -> str:
        return self.align

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("NotoSans", size=8)
        self.cell(0, 6, f"{self.footer_text}  {self.page_no()}", align="C")


_BLOCK = re.compile(r"</?(p|br|li|ul|ol|h3|h4|blockquote|tr|table)[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")


def minutes_text(minutes_html: str) -> list[str]:
    """The sanitised minutes (services.sanitise_minutes) as paragraphs of plain text; list items
    keep a bullet."""
    text = re.sub(r"<li[^>]*>", "\n• ", minutes_html or "", flags=re.I)
    text = _BLOCK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    return [line.strip() for line in text.split("\n") if line.strip()]


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    day = formats.date_format(start, "DATE_FORMAT")
    hours = f"{formats.time_format(start, 'TIME_FORMAT')}–{formats.time_format(end, 'TIME_FORMAT')}"
    return f"{day}, {isolate(hours, ltr=True)}"


def _header(doc: _Document, meeting: Meeting, kind: str) -> None:
    doc.para(str(meeting.committee), size=10)
    doc.heading(meeting.title)
    doc.para(f"{kind} · {_when(meeting)}", size=10, bold=True)
    where = " · ".join(p for p in (meeting.location, meeting.online_url) if p)
    if where:
        doc.para(where, size=10)
    if meeting.is_confidential:
        doc.para(_("Confidential (safe space): for those who attended only."), size=10, bold=True)
    doc.ln(3)


def _item_heading(doc: _Document, number: int, item: Any) -> None:
    doc.para(f"{number}. {item.title}", size=12, bold=True)
    details = []
    if item.presenter:
        details.append(_("Presented by %(who)s") % {"who": item.presenter})
    if item.duration_minutes:
        details.append(_("%(n)d minutes") % {"n": item.duration_minutes})
    if details:
        doc.para(" · ".join(details), size=9)


def agenda_packet(page: MeetingPage, *, language: str) -> bytes:
    """The agenda with each item's description and the list of its papers (papers only where the
    reader may read them)."""
    meeting = page.meeting
    with translation.override(language):
        doc = _Document(title=meeting.title, rtl=translation.get_language_bidi())
        doc.footer_text = _("Agenda packet")
        _header(doc, meeting, _("Agenda"))
        for number, item in enumerate(page.agenda, start=1):
            _item_heading(doc, number, item)
            doc.para(item.description, size=10, indent=4)
            papers = list(item.paper_files.all()) if page.can_read_minutes else []
            if papers or item.papers:
                doc.para(_("Papers:"), size=10, bold=True, indent=4)
                for paper in papers:
                    doc.para(f"• {paper.title} ({paper.name})", size=10, indent=8)
                for line in (item.papers or "").splitlines():
                    doc.para(f"• {line}", size=10, indent=8)
            doc.ln(2)
        if not page.agenda:
            doc.para(_("The agenda is empty."))
        return bytes(doc.output())


def approved_minutes(page: MeetingPage, *, language: str) -> bytes:
    """The approved minutes: attendance, each item's minutes and outcomes (with owner, lead
    organisation and due date), the approval and any corrections after it."""
    meeting = page.meeting
    with translation.override(language):
        doc = _Document(title=meeting.title, rtl=translation.get_language_bidi())
        doc.footer_text = _("Minutes")
        _header(doc, meeting, _("Minutes"))
        approved_by = meeting.minutes_approved_by.public_name if meeting.minutes_approved_by else ""
        if meeting.minutes_approved_at:
            doc.para(
                _("Approved on %(date)s by %(who)s.")
                % {
                    "date": formats.date_format(timezone.localtime(meeting.minutes_approved_at), "DATE_FORMAT"),
                    "who": approved_by,
                },
                size=10,
            )
        for correction in page.corrections:
            doc.para(
                _("Reopened for correction on %(date)s: %(reason)s")
                % {
                    "date": formats.date_format(timezone.localtime(correction.reopened_at), "DATE_FORMAT"),
                    "reason": correction.reason,
                },
                size=9,
            )
        doc.heading(_("Attendance"), size=12)
        for a in page.attendance:
            line = f"{a.person.full_name}: {a.get_status_display()}"
            if a.represented_by:
                line += " (" + _("by %(who)s") % {"who": a.represented_by.full_name} + ")"
            doc.para(line, size=10, indent=4)
        if meeting.quorum_met is not None:
            doc.para(_("Quorum met.") if meeting.quorum_met else _("Quorum not met."), size=10, bold=True)
        doc.ln(2)
        doc.heading(_("Minutes and outcomes"), size=12)
        for number, item in enumerate(page.agenda, start=1):
            _item_heading(doc, number, item)
            for paragraph in minutes_text(item.minutes):
                doc.para(paragraph, size=10, indent=4)
            for d in item.decisions.all():
                parts = [f"{d.get_kind_display()}: {d.text}"]
                if d.owner:
                    parts.append(_("owner: %(who)s") % {"who": d.owner.full_name})
                if d.owner_organisation:
                    parts.append(_("lead organisation: %(org)s") % {"org": d.owner_organisation.name})
                if d.due_date:
                    parts.append(_("due %(date)s") % {"date": formats.date_format(d.due_date, "DATE_FORMAT")})
                doc.para(" · ".join(parts), size=10, bold=True, indent=4)
            doc.ln(2)
        return bytes(doc.output())

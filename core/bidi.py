"""Right-to-left text: times, ranges, numbers and names kept in their own direction.

In an Arabic or Urdu sentence the Unicode bidirectional algorithm reorders runs of digits and the
punctuation between them: "10:00–12:00" shows as "12:00–10:00", "2026, 10:00" as "10:00 ,2026".
Pages isolate such runs with ``<bdi>`` (``core.templatetags.bidi``); plain text (e-mails, calendar
files, PDFs) uses the Unicode isolates LRI/FSI … PDI, only in a right-to-left language so that
other languages' text stays byte for byte as it was.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import translation
from django.utils.dateformat import format as date_format

LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
TIME = "H:i"


def isolate(text: str, *, ltr: bool = False) -> str:
    """``text`` isolated from the sentence around it when the active language is right-to-left:
    left-to-right (``ltr``: times, ranges, codes) or in the direction of its own first letter
    (names)."""
    if not text or not translation.get_language_bidi():
        return text
    return f"{LRI if ltr else FSI}{text}{PDI}"


def time_range(start: datetime, end: datetime) -> str:
    """ "10:00–12:00", always in that order."""
    return isolate(f"{date_format(start, TIME)}–{date_format(end, TIME)}", ltr=True)


def when_text(start: datetime, end: datetime, day_format: str = "l j F Y") -> str:
    """ "Tuesday 1 December 2026, 10:00–11:30" for plain text, the range isolated."""
    return f"{date_format(start, day_format)}, {time_range(start, end)}"

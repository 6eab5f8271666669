"""Papers: files attached to agenda items, to a meeting's minutes and to committees.

* Checked by content: the first bytes must be those of an accepted format (PDF, an office
  document, an image, plain text) and agree with the file's extension; anything else (a program,
  a script, an HTML page renamed ``.pdf``) is refused whatever its name says.
* Size-limited (``ROUNDTABLE_PAPER_MAX_BYTES``), optionally virus-scanned (``ROUNDTABLE_PAPER_SCANNER``
  names a callable ``scan(file, name) -> str | None`` that returns a reason to refuse, or ``None``).
* Stored outside the public media path (``ROUNDTABLE_PAPERS_ROOT``), with no URL of their own;
  served only by ``coordination.views.paper_download`` under the permission rule registered here:
  an agenda item's or the minutes' papers to those who may read the meeting's minutes (so a
  confidential meeting's papers reach its attendees only), a committee's papers to those who see
  the committee.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from django.conf import settings
from django.db.models import Q
from django.utils.module_loading import import_string

from coordination import permissions
from coordination.models import MinutesCorrection, Paper
from core import uploads
from core.models import User
from core.permissions import register

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# extension -> the content type served, and the family its first bytes must belong to
ACCEPTED: dict[str, tuple[str, str]] = {
    **uploads.formats("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt"),
    "txt": ("text/plain; charset=utf-8", uploads.TEXT),
    "csv": ("text/csv; charset=utf-8", uploads.TEXT),
}


def max_bytes() -> int:
    return int(getattr(settings, "ROUNDTABLE_PAPER_MAX_BYTES", DEFAULT_MAX_BYTES) or DEFAULT_MAX_BYTES)


def _scanner() -> Callable[[IO[bytes], str], str | None] | None:
    path = getattr(settings, "ROUNDTABLE_PAPER_SCANNER", "")
    return import_string(path) if path else None


def check(upload: Any) -> tuple[str, str, int, str]:
    """``(file name, content type, size, sha256)`` of an acceptable upload, else a ValidationError
    on ``file`` saying why (``core.uploads``)."""
    checked = uploads.check(
        upload,
        name=str(getattr(upload, "name", "") or ""),
        accepted=ACCEPTED,
        max_bytes=max_bytes(),
        size=getattr(upload, "size", None),
        scanner=_scanner(),
        fallback_name="paper",
    )
    return checked.name, checked.content_type, checked.size, checked.sha256


# --- Who may read a paper: the rule of what it is attached to -----------------------------------


@register(Paper, "view")
def paper_view_rule(user: User) -> Q:
    readable = permissions.meetings_with_readable_minutes(user).values("pk")
    return (
        Q(agenda_item__meeting__in=readable)
        | Q(agenda_item__meeting__isnull=True, agenda_item__committee__in=permissions.committees_visible(user))
        | Q(meeting__in=readable)
        | Q(committee__in=permissions.committees_visible(user))
    )


@register(MinutesCorrection, "view")
def minutes_correction_view_rule(user: User) -> Q:
    """A correction's reason is part of the minutes."""
    return Q(meeting__in=permissions.meetings_with_readable_minutes(user).values("pk"))

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

import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import MinutesCorrection, Paper
from core.models import User
from core.permissions import register

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# extension -> the content type served, and the family its first bytes must belong to
ACCEPTED: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml:word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml:xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml:ppt/"),
    "odt": ("application/vnd.oasis.opendocument.text", "odf:application/vnd.oasis.opendocument.text"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf:application/vnd.oasis.opendocument.spreadsheet"),
    "odp": (
        "application/vnd.oasis.opendocument.presentation",
        "odf:application/vnd.oasis.opendocument.presentation",
    ),
    "doc": ("application/msword", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
    "ppt": ("application/vnd.ms-powerpoint", "ole"),
    "txt": ("text/plain; charset=utf-8", "text"),
    "csv": ("text/csv; charset=utf-8", "text"),
}


def max_bytes() -> int:
    return int(getattr(settings, "ROUNDTABLE_PAPER_MAX_BYTES", DEFAULT_MAX_BYTES) or DEFAULT_MAX_BYTES)


def _family(head: bytes, data: IO[bytes]) -> str:
    """What the first bytes say the file is (``""``: nothing accepted)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            data.seek(0)
            with zipfile.ZipFile(data) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    return "odf:" + archive.read("mimetype").decode("ascii", "replace").strip()
                if "[Content_Types].xml" in names:
                    for prefix in ("word/", "xl/", "ppt/"):
                        if any(n.startswith(prefix) for n in names):
                            return "ooxml:" + prefix
        except (zipfile.BadZipFile, OSError, KeyError):
            return ""
        return ""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character cut at the end of the sample is still text
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return ""
    if "\x00" in text or text.lstrip().lower().startswith(("<!doctype html", "<html", "<script", "<svg", "#!")):
        return ""
    return "text"


def _scanner() -> Callable[[IO[bytes], str], str | None] | None:
    path = getattr(settings, "ROUNDTABLE_PAPER_SCANNER", "")
    return import_string(path) if path else None


def check(upload: Any) -> tuple[str, str, int, str]:
    """``(file name, content type, size, sha256)`` of an acceptable upload, else a ValidationError
    on ``file`` saying why."""
    name = os.path.basename(str(getattr(upload, "name", "") or "paper"))[:200]
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > max_bytes():
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": max(1, max_bytes() // (1024 * 1024))}}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED:
        raise ValidationError(
            {"file": _("Accepted: PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text and CSV files.")}
        )
    content_type, family = ACCEPTED[extension]
    upload.seek(0)
    head = upload.read(2048)
    data = io.BytesIO(upload.read()) if family.startswith(("ooxml", "odf")) else None
    if data is not None:
        data = io.BytesIO(head + data.getvalue())
    found = _family(head, data or io.BytesIO(head))
    if found != family:
        raise ValidationError(
            {"file": _("The file's content is not what its name says (.%(ext)s).") % {"ext": extension}}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    scanner = _scanner()
    if scanner is not None:
        upload.seek(0)
        verdict = scanner(upload, name)
        if verdict:
            raise ValidationError(
                {"file": _("The file was refused by the virus scan: %(reason)s") % {"reason": verdict}}
            )
    upload.seek(0)
    return name, content_type, size, digest.hexdigest()


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

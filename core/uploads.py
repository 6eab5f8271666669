"""Uploaded files are checked by their content, never by their name or the browser's claim.

One check serves every upload in the portal (committee papers, progress-report evidence,
information-item attachments). Each caller says which extensions it takes, the content type each
is served as and the *family* its first bytes must belong to, and its size limit; a file is
accepted when

* it is not empty and not over the limit (read at most ``limit + 1`` bytes, whatever the client
  said the size was);
* its extension is one the caller takes, and its first bytes are that family's: a PDF, PNG, JPEG
  or GIF by its magic number, an office document by its container (OLE, or a ZIP holding that
  kind's parts: ``word/``, ``xl/``, ``ppt/``, or an OpenDocument ``mimetype``), text as UTF-8
  without NUL bytes that is not an HTML page, a script or an SVG image;
* an optional scanner (a callable ``scan(file, name) -> reason | None``) finds nothing.

Anything else (a program, a script, an HTML page renamed ``.pdf``) is refused with a message on
``file`` that says why. The result carries a safe download name (letters, digits and dashes plus
the checked extension) and the SHA-256 of the content.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

Scanner = Callable[[IO[bytes], str], "str | None"]

#: The families an extension can require (see :func:`family_of`).
PDF, PNG, JPEG, GIF, OLE, TEXT = "pdf", "png", "jpeg", "gif", "ole", "text"
WORD, EXCEL, POWERPOINT = "ooxml:word/", "ooxml:xl/", "ooxml:ppt/"


def opendocument(mimetype: str) -> str:
    return f"odf:{mimetype}"


#: The formats the portal knows: extension -> (content type served, family its bytes must be).
FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", PDF),
    "png": ("image/png", PNG),
    "jpg": ("image/jpeg", JPEG),
    "jpeg": ("image/jpeg", JPEG),
    "gif": ("image/gif", GIF),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", WORD),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", EXCEL),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", POWERPOINT),
    "odt": ("application/vnd.oasis.opendocument.text", opendocument("application/vnd.oasis.opendocument.text")),
    "ods": (
        "application/vnd.oasis.opendocument.spreadsheet",
        opendocument("application/vnd.oasis.opendocument.spreadsheet"),
    ),
    "odp": (
        "application/vnd.oasis.opendocument.presentation",
        opendocument("application/vnd.oasis.opendocument.presentation"),
    ),
    "doc": ("application/msword", OLE),
    "xls": ("application/vnd.ms-excel", OLE),
    "ppt": ("application/vnd.ms-powerpoint", OLE),
    "txt": ("text/plain", TEXT),
    "csv": ("text/csv", TEXT),
}


def formats(*extensions: str) -> dict[str, tuple[str, str]]:
    """The portal's formats for ``extensions``, in that order (what a caller accepts)."""
    return {ext: FORMATS[ext] for ext in extensions}


_MAGIC = {
    PDF: (b"%PDF-",),
    PNG: (b"\x89PNG\r\n\x1a\n",),
    JPEG: (b"\xff\xd8\xff",),
    GIF: (b"GIF87a", b"GIF89a"),
    OLE: (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
_HEAD = 2048
_NOT_TEXT = ("<!doctype html", "<html", "<script", "<svg", "<?xml", "#!")


def family_of(head: bytes, whole: IO[bytes] | None = None) -> str:
    """What the first bytes say the file is (``""``: nothing the portal takes). ``whole`` is the
    entire file, needed only to look inside a ZIP container."""
    for family, magics in _MAGIC.items():
        if head.startswith(magics):
            return family
    if head.startswith(b"PK\x03\x04"):
        return _zip_family(whole if whole is not None else io.BytesIO(head))
    if b"\x00" in head:
        return ""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a multi-byte character cut at the end of the sample
            return ""
        text = head[: exc.start].decode("utf-8")
    if text.lstrip("\ufeff \t\r\n").lower().startswith(_NOT_TEXT):
        return ""
    return TEXT


def _zip_family(data: IO[bytes]) -> str:
    try:
        data.seek(0)
        with zipfile.ZipFile(data) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                return opendocument(archive.read("mimetype").decode("ascii", "replace").strip())
            for family in (WORD, EXCEL, POWERPOINT):
                prefix = family.split(":", 1)[1]
                if any(n.startswith(prefix) for n in names):
                    return family
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return ""
    return ""


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the base name as uploaded (at most 200 characters)
    extension: str
    content_type: str
    size: int
    sha256: str
    safe_name: str  # for downloads: letters, digits and dashes, then the checked extension


def safe_name(original: str, extension: str, fallback: str = "file") -> str:
    stem = slugify(os.path.splitext(os.path.basename(original.replace("\\", "/")))[0])[:80] or fallback
    return f"{stem}.{extension}"


def megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.3g}"


def check(
    stream: IO[bytes],
    *,
    name: str,
    accepted: Mapping[str, tuple[str, str]],
    max_bytes: int,
    size: int | None = None,
    scanner: Scanner | None = None,
    fallback_name: str = "file",
) -> CheckedUpload:
    """The checked upload, or a ``ValidationError`` on ``file`` saying what is wrong. ``stream`` is
    read from its start and left at its start."""
    too_large = ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": megabytes(max_bytes)}})
    if size is not None and size > max_bytes:
        raise too_large
    base = os.path.basename(str(name or "").replace("\\", "/"))[:200] or fallback_name
    extension = os.path.splitext(base)[1].lower().lstrip(".")
    if extension not in accepted:
        raise ValidationError(
            {"file": _("Files of this type are not accepted. Accepted: %(kinds)s.") % {"kinds": ", ".join(accepted)}}
        )
    content_type, family = accepted[extension]
    stream.seek(0)
    digest = hashlib.sha256()
    length = 0
    head = b""
    whole = io.BytesIO() if family.startswith(("ooxml:", "odf:")) else None
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        length += len(chunk)
        if length > max_bytes:
            raise too_large
        digest.update(chunk)
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
        if whole is not None:
            whole.write(chunk)
    if length == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if family_of(head, whole) != family:
        raise ValidationError(
            {"file": _("The file's content is not what its name says (.%(ext)s).") % {"ext": extension}}
        )
    if scanner is not None:
        stream.seek(0)
        verdict = scanner(stream, base)
        if verdict:
            raise ValidationError(
                {"file": _("The file was refused by the virus scan: %(reason)s") % {"reason": verdict}}
            )
    stream.seek(0)
    return CheckedUpload(
        name=base,
        extension=extension,
        content_type=content_type,
        size=length,
        sha256=digest.hexdigest(),
        safe_name=safe_name(base, extension, fallback_name),
    )

"""Evidence files are checked by their content, not their name.

A file is accepted when its extension is one we take *and* its first bytes are that kind's magic
number (office documents: a ZIP whose entries are that kind's); plain text and CSV must decode as
UTF-8 without NUL bytes. Files are capped by ``ACTIONPLANS_EVIDENCE_MAX_BYTES`` (10 MB by default).
The download name is made safe (letters, digits, dashes; the checked extension).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# extension -> (content type, how the content is recognised)
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "gif": ("image/gif", "gif"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "csv": ("text/csv", "text"),
    "txt": ("text/plain", "text"),
}

MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}
ZIP_MEMBERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/", "odt": "content.xml"}


def max_bytes() -> int:
    return int(getattr(settings, "ACTIONPLANS_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    extension: str
    content_type: str
    sha256: str
    safe_name: str


def _sniff(kind: str, head: bytes, content: bytes) -> bool:
    if kind in MAGIC:
        return any(head.startswith(m) for m in MAGIC[kind])
    if kind in ZIP_MEMBERS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        member = ZIP_MEMBERS[kind]
        return any(n == member or n.startswith(member) for n in names)
    if kind == "text":
        if b"\x00" in content:
            return False
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


def safe_name(original: str, extension: str) -> str:
    stem = slugify(PurePath(original.replace("\\", "/")).stem)[:80] or "evidence"
    return f"{stem}.{extension}"


def check(name: str, stream: IO[bytes], size: int | None = None) -> CheckedFile:
    """The checked file, or a ``ValidationError`` on ``file`` that says what is wrong."""
    limit = max_bytes()
    if size is not None and size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": _mb(limit)}})
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": _mb(limit)}})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    if extension not in KINDS:
        raise ValidationError(
            {"file": _("Files of this type are not accepted. Accepted: %(kinds)s.") % {"kinds": ", ".join(KINDS)}}
        )
    content_type, kind = KINDS[extension]
    if not _sniff(kind, content[:16], content):
        raise ValidationError({"file": _("The file's content is not a .%(ext)s file.") % {"ext": extension}})
    return CheckedFile(
        content=content,
        extension=extension,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        safe_name=safe_name(name, extension),
    )


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"

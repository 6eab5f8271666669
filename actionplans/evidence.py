"""Evidence files of progress reports, checked by their content (``core.uploads``): PDF, images,
office documents, plain text and CSV, capped by ``ACTIONPLANS_EVIDENCE_MAX_BYTES`` (10 MB by
default), with a safe download name."""

from __future__ import annotations

from typing import IO

from django.conf import settings

from core import uploads

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

KINDS = uploads.formats("pdf", "png", "jpg", "jpeg", "gif", "docx", "xlsx", "pptx", "odt", "csv", "txt")


def max_bytes() -> int:
    return int(getattr(settings, "ACTIONPLANS_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def check(name: str, stream: IO[bytes], size: int | None = None) -> uploads.CheckedUpload:
    """The checked file, or a ``ValidationError`` on ``file`` that says what is wrong."""
    return uploads.check(stream, name=name, accepted=KINDS, max_bytes=max_bytes(), size=size, fallback_name="evidence")

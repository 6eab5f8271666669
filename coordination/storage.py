"""Where papers are kept: a private file store (coordination/papers.py says why)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PaperStorage(FileSystemStorage):
    """Private files: the location is read from the settings when used (tests point it at a
    temporary folder) and there is no public URL."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:
        return str(getattr(settings, "ROUNDTABLE_PAPERS_ROOT", settings.BASE_DIR / "var" / "papers"))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Papers have no public URL: they are served through the permission check.")

"""Time zones of users, jurisdictions and meetings (IANA names, as zoneinfo knows them)."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def validate_time_zone(name: str, *, field: str = "time_zone") -> None:
    if name and name not in zone_names():
        raise ValidationError({field: _("This is not a known time zone. Write it like Europe/Skopje.")})


def zone(name: str | None) -> ZoneInfo:
    """The zone called ``name``, or the site's when it is blank or unknown."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)

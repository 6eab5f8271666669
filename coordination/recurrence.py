"""RFC 5545 recurrence rules for meeting series: parsed by dateutil, checked before anything is saved.

A rule must end (``COUNT`` or ``UNTIL``) and give at most :data:`MAX_OCCURRENCES` dates; each
occurrence becomes a Meeting row of its own (docs/adr/0003-committee-permissions.md, "Series").
Occurrences are computed in the meeting's own time zone (its committee's jurisdiction, inherited
down the tree), so a weekly 10:00 meeting in New York stays at 10:00 New York time across its
daylight-saving changes, and one in Skopje at 10:00 Skopje time across Europe's.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from itertools import islice
from typing import Any

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_OCCURRENCES = 200
_PART = re.compile(r"^[A-Z]+=[A-Z0-9,+\-:]+$")


def normalise_rule(rule: str) -> str:
    """Upper case, without the ``RRULE:`` prefix or surrounding spaces."""
    text = rule.strip().upper()
    return text[len("RRULE:") :] if text.startswith("RRULE:") else text


def _local_until(value: str, tz: tzinfo) -> str:
    """``UNTIL`` as a naive local date-time (dateutil wants it naive with a naive start)."""
    if re.fullmatch(r"\d{8}", value):
        return f"{value}T235959"
    if re.fullmatch(r"\d{8}T\d{6}Z", value):
        utc = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return utc.astimezone(tz).strftime("%Y%m%dT%H%M%S")
    return value


def occurrences(
    rule: str, starts_at: datetime, *, field: str = "recurrence", tz: tzinfo | None = None
) -> list[datetime]:
    """The start of every occurrence (aware), or a ValidationError on ``field`` saying what is wrong."""
    return expand(rule, starts_at, field=field, tz=tz)[1]


def expand(
    rule: str, starts_at: datetime, *, field: str = "recurrence", tz: tzinfo | None = None
) -> tuple[str, list[datetime]]:
    """``(canonical rule, occurrence starts)``, expanded on the wall clock of ``tz`` (the meeting's
    zone; the site's when not given). The canonical rule has ``UNTIL`` in UTC, as RFC 5545 wants
    next to a DTSTART with a time zone."""
    tz = tz or timezone.get_default_timezone()
    text = normalise_rule(rule)
    if not text:
        return "", [starts_at]
    parts = [p for p in text.split(";") if p]
    if "\n" in text or not parts or not all(_PART.match(p) for p in parts):
        raise ValidationError({field: _("This is not a recurrence rule. Write it like FREQ=WEEKLY;COUNT=10.")})
    keys = {p.split("=", 1)[0] for p in parts}
    if "FREQ" not in keys:
        raise ValidationError({field: _("The recurrence rule needs a FREQ (DAILY, WEEKLY, MONTHLY or YEARLY).")})
    if not keys & {"COUNT", "UNTIL"}:
        raise ValidationError(
            {field: _("The recurrence never ends: add COUNT (how many meetings) or UNTIL (the last date).")}
        )
    parts = [f"UNTIL={_local_until(p[6:], tz)}" if p.startswith("UNTIL=") else p for p in parts]
    local_start = starts_at.astimezone(tz).replace(tzinfo=None)
    try:
        rule_obj = rrulestr(";".join(parts), dtstart=local_start)
        found = list(islice(iter(rule_obj), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError({field: _("The recurrence rule is malformed: %(error)s.") % {"error": exc}}) from None
    if len(found) > MAX_OCCURRENCES:
        raise ValidationError(
            {field: _("The recurrence gives more than %(max)d meetings; schedule fewer.") % {"max": MAX_OCCURRENCES}}
        )
    if not found:
        raise ValidationError({field: _("The recurrence rule gives no date at all.")})
    canonical = [
        f"UNTIL={timezone.make_aware(datetime.strptime(p[6:], '%Y%m%dT%H%M%S'), tz).astimezone(UTC):%Y%m%dT%H%M%SZ}"
        if p.startswith("UNTIL=") and re.fullmatch(r"\d{8}T\d{6}", p[6:])
        else p
        for p in parts
    ]
    return ";".join(canonical), [timezone.make_aware(occ, tz) for occ in found]


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def build_rule(*, repeat: str, weekday: int, ordinal: int = 1, until: Any = None, count: int | None = None) -> str:
    """The RFC 5545 rule for a plain-language choice: ``repeat`` is ``weekly`` (every week on
    ``weekday``, 0 = Monday), ``fortnightly``, or ``monthly`` (the ``ordinal``-th ``weekday`` of each
    month, -1 = the last); it ends on ``until`` (a date) or after ``count`` meetings.
    ``""`` for a one-off meeting."""
    if not repeat:
        return ""
    day = WEEKDAYS[weekday]
    if repeat == "weekly":
        parts = ["FREQ=WEEKLY", f"BYDAY={day}"]
    elif repeat == "fortnightly":
        parts = ["FREQ=WEEKLY", "INTERVAL=2", f"BYDAY={day}"]
    elif repeat == "monthly":
        parts = ["FREQ=MONTHLY", f"BYDAY={ordinal}{day}"]
    else:
        raise ValidationError({"repeat": _("Choose how the meeting repeats.")})
    if count:
        parts.append(f"COUNT={count}")
    elif until:
        parts.append(f"UNTIL={until:%Y%m%d}")
    else:
        raise ValidationError({"repeat_count": _("Say when the meetings end: a last date or a number of meetings.")})
    return ";".join(parts)

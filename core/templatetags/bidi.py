"""``{% load bidi %}``: isolate times, ranges, numbers and names inside running text so that a
right-to-left page never flips them (core/bidi.py explains why).

* ``{{ person.name|bdi }}``: ``<bdi>`` (direction from the name's own letters);
* ``{{ count|bdi:"ltr" }}``: numbers, codes, times: always left to right;
* ``{{ meeting.starts_at|datetime_bdi:"D j M Y" }}``: the day, then the time isolated;
* ``{% when_range meeting.starts_at meeting.ends_at %}``: "Tuesday 1 December 2026, 10:00–11:30"
  with ``<time>`` elements and the range isolated, start first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.bidi import TIME
from core.bidi import when_text as _when_text

register = template.Library()


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def bdi(value: Any, direction: str = "") -> SafeString:
    if value is None or value == "":
        return SafeString("")
    if direction == "ltr":
        return format_html('<bdi dir="ltr">{}</bdi>', value)
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def datetime_bdi(value: datetime | None, day_format: str = "D j M Y") -> SafeString:
    if not value:
        return SafeString("")
    local = _local(value)
    return format_html('{}, <bdi dir="ltr">{}</bdi>', date_format(local, day_format), date_format(local, TIME))


@register.simple_tag
def when_range(start: datetime, end: datetime, day_format: str = "l j F Y") -> SafeString:
    start, end = _local(start), _local(end)
    return format_html(
        '<time datetime="{}">{}</time>, <bdi dir="ltr" class="rt-time-range">'
        '<time datetime="{}">{}</time>–<time datetime="{}">{}</time></bdi>',
        start.isoformat(),
        date_format(start, day_format),
        start.isoformat(),
        date_format(start, TIME),
        end.isoformat(),
        date_format(end, TIME),
    )


@register.simple_tag
def time_range(start: datetime, end: datetime) -> SafeString:
    start, end = _local(start), _local(end)
    return format_html(
        '<bdi dir="ltr" class="rt-time-range"><time datetime="{}">{}</time>–<time datetime="{}">{}</time></bdi>',
        start.isoformat(),
        date_format(start, TIME),
        end.isoformat(),
        date_format(end, TIME),
    )


@register.simple_tag
def when_text(start: datetime, end: datetime, day_format: str = "l j F Y") -> str:
    """Plain text (e-mails): the range isolated with Unicode isolates in a right-to-left language."""
    return _when_text(_local(start), _local(end), day_format)

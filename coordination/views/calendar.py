"""Pages of the coordination app: thin views over the selectors and services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from coordination import ical, mailing, selectors, services
from coordination.forms import (
    MonthForm,
)
from coordination.models import AgendaItem
from coordination.views._common import _htmx
from core.http import request_user


@login_required
def calendar_month(request: HttpRequest) -> HttpResponse:
    """The month grid, bounded whatever the scope: per day its first few meetings and "+N more",
    which opens that day's list; the committee filter is a type-ahead picker."""
    user = request_user(request)
    form = MonthForm(request.GET or None, user=user)
    data = form.cleaned_data if form.is_valid() else {}
    first: date = data.get("month") or timezone.localdate().replace(day=1)
    committee = data.get("committee")
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    # The month grid: whole weeks from Monday, days outside the month shown greyed.
    start = first - timedelta(days=first.weekday())
    end = following + timedelta(days=(7 - following.weekday()) % 7) - timedelta(days=1)
    grid = selectors.calendar_month(user, start, end, committee=committee)
    # One ``reverse`` for the month's links, not one per meeting shown (a national scope shows 140).
    link_start, link_end = reverse("coordination:meeting-detail", args=[0]).rsplit("0", 1)
    weeks = []
    day = start
    while day <= end:
        week = []
        for _n in range(7):
            shown = grid.meetings.get(day, [])
            for m in shown:  # formatted once here: a template filter per meeting costs more
                local = timezone.localtime(m.starts_at)
                m.local_time, m.local_iso = local.strftime("%H:%M"), local.isoformat()  # type: ignore[attr-defined]
                m.url = f"{link_start}{m.pk}{link_end}"  # type: ignore[attr-defined]
            week.append(
                {
                    "date": day,
                    "iso": day.isoformat(),
                    "in_month": day.month == first.month,
                    "meetings": shown,
                    "more": grid.counts.get(day, 0) - len(shown),
                }
            )
            day += timedelta(days=1)
        weeks.append(week)
    selected_day = data.get("day")
    day_meetings, day_truncated = (
        selectors.calendar_day(user, selected_day, committee=committee) if selected_day else ([], False)
    )
    for m in day_meetings:
        local = timezone.localtime(m.starts_at)
        m.local_time, m.local_iso = local.strftime("%H:%M"), local.isoformat()  # type: ignore[attr-defined]
        m.url = f"{link_start}{m.pk}{link_end}"  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "form": form,
        "month": first,
        "weeks": weeks,
        "weekdays": [start + timedelta(days=i) for i in range(7)],
        "today": timezone.localdate(),
        "previous": previous,
        "following": following,
        "committee": committee,
        "meeting_count": sum(n for d, n in grid.counts.items() if d.month == first.month and d.year == first.year),
        "selected_day": selected_day,
        "day_meetings": day_meetings,
        "day_truncated": day_truncated,
    }
    template = "coordination/partials/calendar_month.html" if _htmx(request) else "coordination/calendar.html"
    return render(request, template, context)


@login_required
def calendar_feed_settings(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST":
        services.calendar_feed_token_reset(user=user)
        messages.success(request, _("Your feed has a new address; the old one no longer works."))
        return redirect("coordination:calendar-feed-settings")
    token = services.calendar_feed_token_get(user=user)
    url = mailing.absolute(reverse("coordination:calendar-feed", args=[token.token]))
    webcal = "webcal://" + url.split("://", 1)[-1]
    return render(request, "coordination/calendar_feed.html", {"feed_url": url, "webcal_url": webcal})


@login_required
@require_safe
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Add to calendar": this one meeting as an iCalendar file (no minutes, no confidential agenda)."""
    user = request_user(request)
    meeting = selectors.meeting_get_for_user(user, pk)
    titles = list(
        meeting.agenda_items.filter(status__in=AgendaItem.ON_AGENDA)
        .order_by("order", "id")
        .values_list("title", flat=True)
    )
    response = HttpResponse(
        ical.meeting_ics(meeting, agenda_titles=titles), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="meeting-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics"'
    )
    return response


@never_cache
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal iCalendar feed: no session, the secret in the URL is the key."""
    owner = selectors.calendar_feed_owner(token)
    if owner is None:
        raise Http404
    meetings = selectors.meetings_for_feed(owner)
    body = ical.feed_ics(meetings, name=_("Roundtable meetings of %(name)s") % {"name": owner})
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="roundtable.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response

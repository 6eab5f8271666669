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
from coordination.models import AgendaItem, Meeting
from coordination.views._common import _htmx
from core.http import request_user


@login_required
def calendar_month(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = MonthForm(request.GET or None, user=user)
    data = form.cleaned_data if form.is_valid() else {}
    first: date = data.get("month") or timezone.localdate().replace(day=1)
    committee = data.get("committee")
    meetings = selectors.meetings_in_month(user, first.year, first.month, committee=committee)
    days: dict[date, list[Meeting]] = {}
    for m in meetings:
        days.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    # The month grid: whole weeks from Monday, days outside the month shown greyed.
    start = first - timedelta(days=first.weekday())
    weeks = []
    day = start
    while day < following or day.weekday() != 0:
        week = []
        for _n in range(7):
            week.append({"date": day, "in_month": day.month == first.month, "meetings": days.get(day, [])})
            day += timedelta(days=1)
        weeks.append(week)
    context: dict[str, Any] = {
        "form": form,
        "month": first,
        "weeks": weeks,
        "weekdays": [start + timedelta(days=i) for i in range(7)],
        "today": timezone.localdate(),
        "days": sorted(days.items()),
        "previous": previous,
        "following": following,
        "committee": committee,
        "meeting_count": len(meetings),
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

"""Action-plan reminders, registered with the one mechanism in ``core.notifications``: actions
overdue (to the lead organisation's members and the owner), and quarterly reports due (to the lead
and partner organisations' members). Each scan reads a fixed number of queries; the message is
worded at send time after the recipient's right to the action is checked again (the registry's
``view`` rule); a due key per due date or quarter means each goes once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import Action, ActionPartner, ActionPlan, ProgressUpdate
from actionplans.selectors import quarter_start
from core.models import Delivery, User
from core.notifications import Content, Due, reminder
from core.notifications.delivery import site_url
from stakeholders.models import OrganisationMembership


def _members_of(org_ids: set[int]) -> dict[int, list[User]]:
    out: dict[int, list[User]] = defaultdict(list)
    rows = OrganisationMembership.objects.filter(organisation_id__in=org_ids, user__is_active=True).select_related(
        "user"
    )
    for m in rows:
        out[m.organisation_id].append(m.user)
    return out


def _overdue_content(action: Action, user: User, row: Delivery) -> Content:
    title = _("Action overdue: %(title)s") % {"title": action.title}
    body = _(
        "The action \u201c%(title)s\u201d of the plan \u201c%(plan)s\u201d was due on %(due)s and is not complete.\n\n"
        "Report its progress or ask the coordinator to change its dates: %(link)s"
    ) % {
        "title": action.title,
        "plan": action.plan.title,
        "due": action.planned_end.isoformat(),
        "link": f"{site_url()}{action.get_absolute_url()}",
    }
    return Content(title=title, body=body, url=action.get_absolute_url())


@reminder(
    kind="actionplans.action_overdue",
    label=gettext_lazy("Actions overdue"),
    model=Action,
    build=_overdue_content,
    select_related=("plan",),
)
def actions_overdue(now: datetime) -> Iterator[Due]:
    today = timezone.localdate(now)
    actions = list(
        Action.objects.filter(status__in=Action.OPEN, plan__status=ActionPlan.Status.ACTIVE, planned_end__lt=today)
        .select_related("owner__user")
        .order_by("id")[:5000]
    )
    members = _members_of({a.lead_organisation_id for a in actions})
    for a in actions:
        recipients = {u.pk: u for u in members.get(a.lead_organisation_id, [])}
        if a.owner is not None and a.owner.user_id:
            owner = (
                User.objects.filter(pk=a.owner.user_id, is_active=True).first()
                if a.owner.user_id not in recipients
                else None
            )
            if owner is not None:
                recipients[owner.pk] = owner
        yield Due(subject=a, recipients=list(recipients.values()), due_key=a.planned_end.isoformat())


def _report_content(action: Action, user: User, row: Delivery) -> Content:
    title = _("Progress report due: %(title)s") % {"title": action.title}
    body = _(
        "No progress report on \u201c%(title)s\u201d (%(plan)s) covers the last quarter yet.\n\n"
        "Report it here: %(link)s"
    ) % {
        "title": action.title,
        "plan": action.plan.title,
        "link": f"{site_url()}{action.get_absolute_url()}",
    }
    return Content(title=title, body=body, url=action.get_absolute_url())


def last_quarter(today: date) -> tuple[date, date]:
    end = quarter_start(today) - timedelta(days=1)
    return quarter_start(end), end


@reminder(
    kind="actionplans.report_due",
    label=gettext_lazy("Progress reports due"),
    model=Action,
    build=_report_content,
    select_related=("plan",),
)
def reports_due(now: datetime) -> Iterator[Due]:
    """After each quarter: open actions that ran in it and have no submitted or accepted report
    ending in it go to the lead and partner organisations' members."""
    start, end = last_quarter(timezone.localdate(now))
    reported = ProgressUpdate.objects.filter(
        action=OuterRef("pk"),
        status__in=[ProgressUpdate.Status.SUBMITTED, ProgressUpdate.Status.ACCEPTED],
        period_end__gte=start,
    )
    actions = list(
        Action.objects.filter(status__in=Action.OPEN, plan__status=ActionPlan.Status.ACTIVE, planned_start__lte=end)
        .filter(~Exists(reported))
        .order_by("id")[:5000]
    )
    partners: dict[int, set[int]] = defaultdict(set)
    for action_id, org_id in ActionPartner.objects.filter(action__in=[a.pk for a in actions]).values_list(
        "action_id", "organisation_id"
    ):
        partners[action_id].add(org_id)
    members = _members_of({a.lead_organisation_id for a in actions} | {o for s in partners.values() for o in s})
    for a in actions:
        recipients = {u.pk: u for org in {a.lead_organisation_id, *partners[a.pk]} for u in members.get(org, [])}
        yield Due(subject=a, recipients=list(recipients.values()), due_key=start.isoformat())

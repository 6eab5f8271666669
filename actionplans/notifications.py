"""Action-plan reminders and events, registered with the one mechanism in ``core.notifications``:
actions overdue (to the lead organisation's members and the owner), quarterly reports due (to the
lead and partner organisations' members), reports still missing ``NOTIFY_ESCALATE_AFTER_DAYS``
after the quarter (escalated to the plan's coordinators and its owning committee's chairs), and
the events "a report awaits your review" and "your report was returned". Each scan reads a fixed
number of queries; the message is worded at send time after the recipient's right to the subject
is checked again (the registry's ``view`` rule); a due key per due date or quarter means each goes
once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.models import Action, ActionPartner, ActionPlan, EvaluationCheckpoint, ProgressUpdate
from actionplans.selectors import quarter_start
from coordination.notifications import chairs_of, coordinators_of
from core.models import Delivery, User
from core.notifications import Content, Due, escalate_after, notify, register_kind, reminder
from core.notifications.delivery import absolute
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
        "The action “%(title)s” of the plan “%(plan)s” was due on %(due)s and is not complete.\n\n"
        "Report its progress or ask the coordinator to change its dates: %(link)s"
    ) % {
        "title": action.title,
        "plan": action.plan.title,
        "due": action.planned_end.isoformat(),
        "link": absolute(action.get_absolute_url()),
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
        owner = a.owner.user if a.owner is not None else None
        if owner is not None:
            recipients.setdefault(owner.pk, owner)
        yield Due(subject=a, recipients=list(recipients.values()), due_key=a.planned_end.isoformat())


def _report_content(action: Action, user: User, row: Delivery) -> Content:
    title = _("Progress report due: %(title)s") % {"title": action.title}
    body = _(
        "No progress report on “%(title)s” (%(plan)s) covers the last quarter yet.\n\nReport it here: %(link)s"
    ) % {
        "title": action.title,
        "plan": action.plan.title,
        "link": absolute(action.get_absolute_url()),
    }
    return Content(title=title, body=body, url=action.get_absolute_url())


def last_quarter(today: date) -> tuple[date, date]:
    end = quarter_start(today) - timedelta(days=1)
    return quarter_start(end), end


def _reports_missing(end: date, start: date) -> list[Action]:
    reported = ProgressUpdate.objects.filter(
        action=OuterRef("pk"),
        status__in=[ProgressUpdate.Status.SUBMITTED, ProgressUpdate.Status.ACCEPTED],
        period_end__gte=start,
    )
    return list(
        Action.objects.filter(status__in=Action.OPEN, plan__status=ActionPlan.Status.ACTIVE, planned_start__lte=end)
        .filter(~Exists(reported))
        .select_related("plan__jurisdiction")
        .order_by("id")[:5000]
    )


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
    actions = _reports_missing(end, start)
    partners: dict[int, set[int]] = defaultdict(set)
    for action_id, org_id in ActionPartner.objects.filter(action__in=[a.pk for a in actions]).values_list(
        "action_id", "organisation_id"
    ):
        partners[action_id].add(org_id)
    members = _members_of({a.lead_organisation_id for a in actions} | {o for s in partners.values() for o in s})
    for a in actions:
        recipients = {u.pk: u for org in {a.lead_organisation_id, *partners[a.pk]} for u in members.get(org, [])}
        yield Due(subject=a, recipients=list(recipients.values()), due_key=start.isoformat())


# --- escalation -------------------------------------------------------------------------------------


def _escalation_content(action: Action, user: User, row: Delivery) -> Content:
    title = _("Progress report overdue since the quarter from %(start)s: %(title)s") % {
        "start": row.due_key,
        "title": action.title,
    }
    body = _(
        "No progress report on “%(title)s” (%(plan)s) covers the quarter from %(start)s, long after it "
        "ended. Follow it up with the lead organisation: %(link)s"
    ) % {
        "title": action.title,
        "plan": action.plan.title,
        "start": row.due_key,
        "link": absolute(action.get_absolute_url()),
    }
    return Content(title=title, body=body, url=action.get_absolute_url())


@reminder(
    kind="actionplans.report_escalation",
    label=gettext_lazy("Progress reports overdue (escalated to coordinators and chairs)"),
    model=Action,
    build=_escalation_content,
    select_related=("plan",),
)
def reports_escalated(now: datetime) -> Iterator[Due]:
    """A quarter's report still missing ``NOTIFY_ESCALATE_AFTER_DAYS`` after the quarter ended goes
    to the plan's coordinators and its owning committee's chairs, once per quarter."""
    start, end = last_quarter(timezone.localdate(now))
    if timezone.localdate(now) - end <= escalate_after():
        return
    actions = _reports_missing(end, start)
    coordinators = coordinators_of({a.plan.jurisdiction.path for a in actions})
    chairs = chairs_of({a.plan.owning_committee_id for a in actions if a.plan.owning_committee_id})
    for a in actions:
        recipients = {u.pk: u for u in coordinators.get(a.plan.jurisdiction.path, [])}
        for u in chairs.get(a.plan.owning_committee_id or 0, []):
            recipients.setdefault(u.pk, u)
        yield Due(subject=a, recipients=list(recipients.values()), due_key=start.isoformat())


# --- evaluations due (the plan's reviews) --------------------------------------------------------------

EVALUATION_NOTICE = timedelta(days=14)


def _evaluation_content(plan: ActionPlan, user: User, row: Delivery) -> Content:
    from django.urls import reverse

    due = row.due_key.rsplit(":", 1)[-1]
    title = _("An evaluation of “%(plan)s” is due on %(date)s") % {"plan": plan.title, "date": due}
    url = reverse("actionplans:plan-evaluation", args=[plan.pk])
    body = _("Record the evaluation and its ratings here: %(link)s") % {"link": absolute(url)}
    return Content(title=title, body=f"{title}.\n\n{body}\n", url=url)


@reminder(
    kind="actionplans.evaluation_due",
    label=gettext_lazy("Plan evaluations due"),
    model=ActionPlan,
    build=_evaluation_content,
)
def evaluations_due(now: datetime) -> Iterator[Due]:
    """Evaluation checkpoints not held, due within 14 days or overdue, of active plans: the plan's
    coordinators and its owning committee's chairs, once per checkpoint and due date."""
    today = timezone.localdate(now)
    checkpoints = list(
        EvaluationCheckpoint.objects.filter(
            held_on__isnull=True, due_on__lte=today + EVALUATION_NOTICE, plan__status=ActionPlan.Status.ACTIVE
        )
        .select_related("plan__jurisdiction")
        .order_by("id")[:5000]
    )
    coordinators = coordinators_of({c.plan.jurisdiction.path for c in checkpoints})
    chairs = chairs_of({c.plan.owning_committee_id for c in checkpoints if c.plan.owning_committee_id})
    for c in checkpoints:
        recipients = {u.pk: u for u in coordinators.get(c.plan.jurisdiction.path, [])}
        for u in chairs.get(c.plan.owning_committee_id or 0, []):
            recipients.setdefault(u.pk, u)
        yield Due(subject=c.plan, recipients=list(recipients.values()), due_key=f"{c.pk}:{c.due_on.isoformat()}")


# --- events: progress reports ------------------------------------------------------------------------

REPORT_SUBMITTED = "actionplans.report_submitted"
REPORT_RETURNED = "actionplans.report_returned"


def _submitted_content(update: ProgressUpdate, user: User, row: Delivery) -> Content:
    title = _("A progress report awaits review: %(plan)s") % {"plan": update.plan.title}
    return Content(
        title=title, body=f"{title}\n\n{absolute(update.get_absolute_url())}\n", url=update.get_absolute_url()
    )


def _returned_content(update: ProgressUpdate, user: User, row: Delivery) -> Content:
    title = _("Your progress report was returned: %(subject)s") % {"subject": str(update)}
    body = _("It was returned with this note:\n\n%(note)s\n\nCorrect it and submit it again: %(link)s") % {
        "note": update.review_note,
        "link": absolute(update.get_absolute_url()),
    }
    return Content(title=title, body=body, url=update.get_absolute_url())


register_kind(
    kind=REPORT_SUBMITTED,
    label=gettext_lazy("Progress reports to review"),
    model=ProgressUpdate,
    build=_submitted_content,
    select_related=("plan", "action", "indicator"),
)
register_kind(
    kind=REPORT_RETURNED,
    label=gettext_lazy("My progress reports returned"),
    model=ProgressUpdate,
    build=_returned_content,
    select_related=("plan", "action", "indicator"),
)


def report_submitted(*, update: ProgressUpdate) -> None:
    """The plan's coordinators (its jurisdiction or above) are told, once per submission."""
    reviewers = coordinators_of({update.plan.jurisdiction.path}).get(update.plan.jurisdiction.path, [])
    notify(kind=REPORT_SUBMITTED, subject=update, recipients=reviewers, due_key=f"v{update.version}")


def report_returned(*, update: ProgressUpdate) -> None:
    """Its author is told, with the reviewer's note, once per return."""
    if update.created_by is not None:
        notify(kind=REPORT_RETURNED, subject=update, recipients=[update.created_by], due_key=f"v{update.version}")

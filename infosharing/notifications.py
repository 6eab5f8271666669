"""Information sharing's reminders and events, registered with the one mechanism in
``core.notifications`` (docs/adr/0012-notifications-and-delivery.md).

Reminders: agreements due for review (to the parties' sharing admins, 30 days ahead or once
overdue), items due for review (to the originator), items whose retention ends soon (to the
originator, before the content is erased), and access that expires soon (to those who lose it).
Escalations, ``NOTIFY_ESCALATE_AFTER_DAYS`` after a review date passed unrecorded: an agreement
to the chairs of its client committees and the platform admins, an item to its originating
organisation's sharing admins; only to those the rule registry lets open it, so an escalation
that nobody may read is recorded as reaching nobody (the operations page shows it).
Events: an item shared with someone, an access request waiting for a decision.

Every message about an item is neutral: it says what kind of thing is waiting, never the item's
title, label name or content, and carries a link only (a TLP item's words never leave the portal
by e-mail). Whether the recipient may still open the subject is asked of the rule registry when
the message is built, so someone who lost access in between is not told.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.models import CommitteeMembership
from coordination.notifications import chairs_of
from coordination.permissions import current_memberships_q
from core.models import Delivery, GranteeKind, User
from core.notifications import Content, Due, escalate_after, notify, register_kind, reminder, who_may_view
from core.notifications.delivery import absolute
from infosharing.models import (
    AccessRequest,
    InformationItem,
    ItemGrant,
    SharingAdmin,
    SharingAgreement,
    grant_in_force_q,
)
from stakeholders.models import OrganisationMembership

AGREEMENT_REVIEW_NOTICE = timedelta(days=30)
RETENTION_NOTICE = timedelta(days=14)
ACCESS_EXPIRY_NOTICE = timedelta(days=3)

ITEM_SHARED = "infosharing.item_shared"
ACCESS_REQUEST = "infosharing.access_request"


def _users(ids: Iterable[int]) -> dict[int, User]:
    ids = {i for i in ids if i}
    return User.objects.in_bulk(ids) if ids else {}


def marked(title: object) -> object:
    """A neutral title with the item's TLP marking in front (TLP 2.0: mark the subject line), e.g.
    "[TLP:AMBER] An information item has been shared with you"."""

    def title_for(item: InformationItem) -> str:
        return f"[TLP:{item.label}] {title}" if item.label else str(title)

    return title_for


def _neutral_item_content(item: InformationItem, user: User, row: Delivery) -> Content:
    """Never the item's title or content: the kind's neutral title and the link."""
    url = item.get_absolute_url()
    return Content(title="", body="", url=url)


# --- agreements due for review -------------------------------------------------------------------


def _agreement_content(agreement: SharingAgreement, user: User, row: Delivery) -> Content:
    title = _("The sharing agreement “%(title)s” is due for review on %(date)s") % {
        "title": agreement.title,
        "date": row.due_key,
    }
    body = render_to_string(
        "infosharing/email/agreement_review.txt",
        {"agreement": agreement, "user": user, "date": row.due_key, "link": absolute(agreement.get_absolute_url())},
    )
    return Content(title=title, body=body, url=agreement.get_absolute_url())


@reminder(
    kind="infosharing.agreement_review",
    label=gettext_lazy("Sharing agreements due for review"),
    model=SharingAgreement,
    build=_agreement_content,
)
def agreements_due_for_review(now: datetime) -> Iterator[Due]:
    """Active agreements whose review is within 30 days (or overdue): the parties' sharing admins,
    once per review date (a new review date is a new reminder)."""
    today = timezone.localdate(now)
    agreements = list(
        SharingAgreement.objects.filter(
            status=SharingAgreement.Status.ACTIVE, next_review__lte=today + AGREEMENT_REVIEW_NOTICE
        ).prefetch_related("parties")
    )
    org_ids = {p.organisation_id for a in agreements for p in a.parties.all()}
    admins: dict[int, list[User]] = defaultdict(list)
    for admin in SharingAdmin.objects.filter(organisation_id__in=org_ids).select_related("user"):
        admins[admin.organisation_id].append(admin.user)
    for agreement in agreements:
        recipients = {u.pk: u for p in agreement.parties.all() for u in admins.get(p.organisation_id, [])}
        yield Due(subject=agreement, recipients=list(recipients.values()), due_key=agreement.next_review.isoformat())


AGREEMENT_ESCALATION = "infosharing.agreement_review_escalation"


def _agreement_escalation_content(agreement: SharingAgreement, user: User, row: Delivery) -> Content:
    title = _("Overdue: the review of the sharing agreement “%(title)s” was due on %(date)s") % {
        "title": agreement.title,
        "date": row.due_key,
    }
    body = render_to_string(
        "infosharing/email/agreement_review_escalation.txt",
        {"agreement": agreement, "user": user, "date": row.due_key, "link": absolute(agreement.get_absolute_url())},
    )
    return Content(title=title, body=body, url=agreement.get_absolute_url())


@reminder(
    kind=AGREEMENT_ESCALATION,
    label=gettext_lazy("Sharing agreement reviews overdue (escalated to client committee chairs and platform admins)"),
    model=SharingAgreement,
    build=_agreement_escalation_content,
)
def agreement_reviews_escalated(now: datetime) -> Iterator[Due]:
    """An active agreement whose review is overdue by ``NOTIFY_ESCALATE_AFTER_DAYS``: the chairs and
    co-chairs of its client committees and the platform admins (who configure agreements), those
    of them the rule registry lets open it, once per review date."""
    today = timezone.localdate(now)
    agreements = list(
        SharingAgreement.objects.filter(
            status=SharingAgreement.Status.ACTIVE, next_review__lt=today - escalate_after()
        ).order_by("id")[:5000]
    )
    if not agreements:
        return
    clients: dict[int, set[int]] = defaultdict(set)
    through = SharingAgreement.client_committees.through
    for agreement_id, committee_id in through.objects.filter(
        sharingagreement_id__in=[a.pk for a in agreements]
    ).values_list("sharingagreement_id", "committee_id"):
        clients[agreement_id].add(committee_id)
    chairs = chairs_of({c for ids in clients.values() for c in ids})
    admins = list(User.objects.filter(is_superuser=True, is_active=True).order_by("id"))
    candidates: dict[int, dict[int, User]] = {}
    for a in agreements:
        people = {u.pk: u for c in sorted(clients[a.pk]) for u in chairs.get(c, [])}
        for u in admins:
            people.setdefault(u.pk, u)
        candidates[a.pk] = people
    allowed = who_may_view(AGREEMENT_ESCALATION, [(u, a) for a in agreements for u in candidates[a.pk].values()])
    for a in agreements:
        yield Due(
            subject=a,
            recipients=[u for u in candidates[a.pk].values() if (u.pk, a.pk) in allowed],
            due_key=a.next_review.isoformat(),
            nobody="nobody to tell: no client committee chair or platform admin may open the agreement",
        )


# --- items: review and retention -------------------------------------------------------------------


def _live_items() -> Q:
    return Q(erased_at__isnull=True)


@reminder(
    kind="infosharing.item_review",
    label=gettext_lazy("Information items due for review"),
    model=InformationItem,
    build=_neutral_item_content,
    neutral=True,
    neutral_title=marked(gettext_lazy("An information item is due for review")),
)
def items_due_for_review(now: datetime) -> Iterator[Due]:
    """Items whose review date has come: their originator, once per review date."""
    today = timezone.localdate(now)
    items = list(
        InformationItem.objects.filter(_live_items(), review_on__isnull=False, review_on__lte=today).only(
            "pk", "review_on", "originator_id"
        )
    )
    users = _users(i.originator_id for i in items)
    for item in items:
        assert item.review_on is not None
        originator = users.get(item.originator_id)
        yield Due(subject=item, recipients=[originator] if originator else [], due_key=item.review_on.isoformat())


ITEM_ESCALATION = "infosharing.item_review_escalation"


@reminder(
    kind=ITEM_ESCALATION,
    label=gettext_lazy("Information item reviews overdue (escalated to sharing admins)"),
    model=InformationItem,
    build=_neutral_item_content,
    neutral=True,
    neutral_title=marked(gettext_lazy("An information item is overdue for review")),
)
def item_reviews_escalated(now: datetime) -> Iterator[Due]:
    """Items whose review is overdue by ``NOTIFY_ESCALATE_AFTER_DAYS``: the originating
    organisation's sharing admins who may open the item (a sharing admin reads content through
    grants only, like everyone), once per review date."""
    today = timezone.localdate(now)
    items = list(
        InformationItem.objects.filter(
            _live_items(),
            retention_until__gte=today,  # past its retention nobody may open it; the job erases it
            review_on__isnull=False,
            review_on__lt=today - escalate_after(),
        )
        .only("pk", "review_on", "organisation_id", "label")
        .order_by("id")[:5000]
    )
    if not items:
        return
    admins: dict[int, list[User]] = defaultdict(list)
    for admin in SharingAdmin.objects.filter(organisation_id__in={i.organisation_id for i in items}).select_related(
        "user"
    ):
        admins[admin.organisation_id].append(admin.user)
    allowed = who_may_view(ITEM_ESCALATION, [(u, i) for i in items for u in admins.get(i.organisation_id, [])])
    for item in items:
        assert item.review_on is not None
        yield Due(
            subject=item,
            recipients=[u for u in admins.get(item.organisation_id, []) if (u.pk, item.pk) in allowed],
            due_key=item.review_on.isoformat(),
            nobody="nobody to tell: no sharing admin of the originating organisation may open the item",
        )


@reminder(
    kind="infosharing.retention_expiry",
    label=gettext_lazy("Information items about to be erased"),
    model=InformationItem,
    build=_neutral_item_content,
    neutral=True,
    neutral_title=marked(gettext_lazy("An information item will be erased at the end of its retention")),
)
def items_retention_ending(now: datetime) -> Iterator[Due]:
    """Items whose retention ends within 14 days: their originator, once per retention date (the
    retention job erases the content the day after)."""
    today = timezone.localdate(now)
    items = list(
        InformationItem.objects.filter(
            _live_items(), retention_until__gte=today, retention_until__lte=today + RETENTION_NOTICE
        ).only("pk", "retention_until", "originator_id")
    )
    users = _users(i.originator_id for i in items)
    for item in items:
        originator = users.get(item.originator_id)
        yield Due(subject=item, recipients=[originator] if originator else [], due_key=item.retention_until.isoformat())


# --- access that expires ------------------------------------------------------------------------


def grant_reach(grants: list[ItemGrant]) -> dict[int, list[int]]:
    """The user ids each grant reaches today, in three queries whatever the number of grants."""
    reach: dict[int, list[int]] = defaultdict(list)
    orgs: dict[int, list[int]] = defaultdict(list)
    committees: dict[int, list[int]] = defaultdict(list)
    for g in grants:
        if g.grantee_kind == GranteeKind.USER:
            reach[g.pk].append(g.grantee_id)
        elif g.grantee_kind == GranteeKind.ORGANISATION:
            orgs[g.grantee_id].append(g.pk)
        elif g.grantee_kind == GranteeKind.COMMITTEE:
            committees[g.grantee_id].append(g.pk)
    if orgs:
        for org_id, user_id in OrganisationMembership.objects.filter(organisation_id__in=orgs).values_list(
            "organisation_id", "user_id"
        ):
            for pk in orgs[org_id]:
                reach[pk].append(user_id)
    if committees:
        for committee_id, user_id in CommitteeMembership.objects.filter(
            current_memberships_q(), committee_id__in=committees, person__user__isnull=False
        ).values_list("committee_id", "person__user_id"):
            for pk in committees[committee_id]:
                reach[pk].append(user_id)
    return reach


@reminder(
    kind="infosharing.access_expiry",
    label=gettext_lazy("Access to information items ending"),
    model=InformationItem,
    build=_neutral_item_content,
    neutral=True,
    neutral_title=marked(gettext_lazy("Your access to an information item ends soon")),
)
def access_ending(now: datetime) -> Iterator[Due]:
    """Live grants that expire within three days: everyone they reach, once per grant and expiry
    (the due key names both; an extended grant is a new reminder)."""
    grants = list(
        ItemGrant.objects.filter(
            grant_in_force_q(),
            expires_at__gt=now,
            expires_at__lte=now + ACCESS_EXPIRY_NOTICE,
            target__erased_at__isnull=True,
        )
        .select_related("target")
        .order_by("pk")
    )
    reach = grant_reach(grants)
    users = _users(uid for ids in reach.values() for uid in ids)
    for g in grants:
        assert g.expires_at is not None
        recipients = [users[uid] for uid in dict.fromkeys(reach.get(g.pk, [])) if uid in users]
        yield Due(subject=g.target, recipients=recipients, due_key=f"grant:{g.pk}:{g.expires_at.date().isoformat()}")


# --- events -------------------------------------------------------------------------------------------

register_kind(
    kind=ITEM_SHARED,
    label=gettext_lazy("Information items shared with me"),
    model=InformationItem,
    build=_neutral_item_content,
    neutral=True,
    neutral_title=marked(gettext_lazy("An information item has been shared with you")),
)


def item_shared(*, item: InformationItem, user_ids: Iterable[int], key: str) -> None:
    """Record, in the caller's transaction, that the users a grant reaches are to be told (once per
    grant ``key``); the mechanism checks at send time who may still open the item."""
    users = list(User.objects.filter(pk__in=sorted(set(user_ids))))
    if users:
        notify(kind=ITEM_SHARED, subject=item, recipients=users, due_key=key)


def _request_content(request: AccessRequest, user: User, row: Delivery) -> Content:
    return Content(title="", body="", url=reverse("infosharing:request-list"))


register_kind(
    kind=ACCESS_REQUEST,
    label=gettext_lazy("Access requests awaiting my decision"),
    model=AccessRequest,
    build=_request_content,
    neutral=True,
    neutral_title=gettext_lazy("An access request is waiting for your decision"),
)


def access_requested(*, request: AccessRequest, user_ids: Iterable[int]) -> None:
    users = list(User.objects.filter(pk__in=sorted(set(user_ids))))
    if users:
        notify(kind=ACCESS_REQUEST, subject=request, recipients=users, due_key="asked")

"""Coordination bodies: committees, their members, meetings, agendas, attendance, minutes, decisions.

The rules about who may see or change these rows live in ``coordination/permissions.py``; the
writes in ``coordination/services.py``. See docs/adr/0003-committee-permissions.md and
docs/adr/0004-decisions-as-actions.md.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ObjectGrant
from stakeholders.models import Jurisdiction, Organisation, Person, Sector

# The longest a meeting may last (``Meeting.clean``): so a date range is a bounded scan of the
# ``starts_at`` index (a meeting running into a range started at most this long before it).
MAX_MEETING_LENGTH = timedelta(days=7)


class Committee(models.Model):
    """A coordination body: a TLCC, a CAT, a CEF, an apex committee, an interagency committee..."""

    class Kind(models.TextChoices):
        TLCC = "tlcc", _("Town-Level Coordination Committee")
        CAT = "cat", _("Community Action Team")
        CEF = "cef", _("County Engagement Forum")
        APEX = "apex", _("Apex committee")
        INTERAGENCY = "interagency", _("Interagency committee")
        LPN = "lpn", _("Local prevention network")
        COMMUNITY_TEAM = "community_team", _("Community team")
        CUSTOM = "custom", _("Other body")

    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        DISSOLVED = "dissolved", _("Dissolved")

    class QuorumRule(models.TextChoices):
        NONE = "none", _("No quorum")
        COUNT = "count", _("At least this many members")
        PERCENT = "percent", _("At least this percentage of members")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="committees"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("A district body reports to its apex committee, for example."),
    )
    remit = models.TextField(_("remit"), blank=True, max_length=5000, help_text=_("What the body is for."))
    mandate = models.TextField(
        _("mandate (terms of reference)"),
        blank=True,
        max_length=20000,
        help_text=_("Who gave the mandate, what the body may decide, how it works."),
    )
    mandate_review_date = models.DateField(_("mandate review date"), null=True, blank=True)
    secretariat = models.ForeignKey(
        Organisation,
        verbose_name=_("secretariat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="secretariat_of",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    quorum_rule = models.CharField(_("quorum rule"), max_length=10, choices=QuorumRule.choices, default=QuorumRule.NONE)
    reminder_lead_hours = models.PositiveSmallIntegerField(
        _("meeting reminder (hours before)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_("How long before each meeting invitees are reminded (1 hour to 14 days)."),
    )
    quorum_value = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_("A number of members, or a percentage (1 to 100)."),
    )
    expected_sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("expected sectors"),
        blank=True,
        related_name="+",
        help_text=_("Sectors the body should bring together; missing ones are flagged."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        constraints = [
            models.UniqueConstraint(
                "name",
                "jurisdiction",
                name="coordination_committee_name_per_jurisdiction",
                violation_error_message=_("A committee with this name already exists in this jurisdiction."),
            ),
            models.CheckConstraint(
                condition=Q(quorum_rule="none") | Q(quorum_value__isnull=False, quorum_value__gte=1),
                name="coordination_committee_quorum_value_set",
                violation_error_message=_("Give the quorum (a number of members or a percentage)."),
            ),
            models.CheckConstraint(
                condition=~Q(quorum_rule="percent") | Q(quorum_value__lte=100),
                name="coordination_committee_quorum_percent_range",
                violation_error_message=_("A percentage quorum must be between 1 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("coordination:committee-detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.parent_id and self.pk:
            seen = {self.pk}
            node: Committee | None = self.parent
            while node is not None:
                if node.pk in seen:
                    raise ValidationError({"parent": _("A committee cannot report to itself or to a body below it.")})
                seen.add(node.pk)
                node = node.parent

    def quorum_required(self, eligible: int) -> int:
        """How many eligible members must attend (0 when the committee has no quorum rule)."""
        if self.quorum_rule == self.QuorumRule.COUNT and self.quorum_value:
            return self.quorum_value
        if self.quorum_rule == self.QuorumRule.PERCENT and self.quorum_value:
            return -(-eligible * self.quorum_value // 100)  # ceiling
        return 0


class CommitteeMembership(models.Model):
    """A person sitting on a committee for an organisation, in a role, from/to.

    Summoning an official to one meeting is an :class:`Invitation`, not a membership.
    """

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")
        SECRETARY = "secretary", _("Secretary")
        PERMANENT = "permanent", _("Permanent member")
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")

    class Designation(models.TextChoices):
        ELECTED = "elected", _("Elected official")
        NATIONAL_APPOINTEE = "national_appointee", _("National appointee")
        CIVIL_SERVANT = "civil_servant", _("Civil servant")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        COMMUNITY = "community", _("Community or faith leader")
        PRIVATE = "private", _("Private sector")
        OTHER = "other", _("Other")

    MANAGING_ROLES = (Role.CHAIR, Role.CO_CHAIR, Role.SECRETARY)
    CHAIR_ROLES = (Role.CHAIR, Role.CO_CHAIR)

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="committee_memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("representing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    designation = models.CharField(_("designation"), max_length=24, choices=Designation.choices, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    # A seat lets fellow members reach each other (contact details): it does so only when whoever
    # seated the person could already see the person's contact details (ADR 0003).
    shares_contact = models.BooleanField(_("shares contact details with fellow members"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "person__full_name", "id"]
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="coordination_membership_dates_in_order",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["committee", "person"],
                condition=Q(end_date__isnull=True),
                name="coordination_one_open_membership",
                violation_error_message=_("This person is already a member of this committee."),
            ),
        ]
        indexes = [models.Index(fields=["person", "committee"], name="coordination_membership_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.committee}"


class MeetingSeries(models.Model):
    """A recurring meeting (RFC 5545 RRULE). Each occurrence is a :class:`Meeting` row of its own."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="series")
    title = models.CharField(_("title"), max_length=200)
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    rrule = models.CharField(_("recurrence rule"), max_length=500)
    dtstart = models.DateTimeField()
    duration = models.DurationField()
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return f"{self.committee}: {self.rrule}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        MINUTES_DRAFTED = "minutes_drafted", _("Minutes drafted")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
        CANCELLED = "cancelled", _("Cancelled")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings")
    # The start the recurrence rule gave this occurrence (RFC 5545 RECURRENCE-ID), kept if it moves.
    occurrence_start = models.DateTimeField(null=True, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    is_confidential = models.BooleanField(
        _("confidential (safe space)"),
        default=False,
        help_text=_("Its minutes are shown to those who attended only."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    quorum_met = models.BooleanField(_("quorum met"), null=True, blank=True)
    # A meeting starts as a draft: invitations go out when the secretariat publishes the agenda.
    published_at = models.DateTimeField(_("agenda published"), null=True, blank=True, editable=False)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="coordination_meeting_ends_after_start",
                violation_error_message=_("A meeting must end after it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["committee", "starts_at"], name="coordination_meeting_when"),
            # Lists by date across committees (the API's newest first, cursor pages): the first
            # page stops after its rows instead of sorting every visible meeting.
            models.Index(fields=["starts_at", "id"], name="coordination_meeting_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("coordination:meeting-detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A meeting must end after it starts.")})
        if self.starts_at and self.ends_at and self.ends_at - self.starts_at > MAX_MEETING_LENGTH:
            raise ValidationError(
                {"ends_at": _("A meeting lasts at most %(days)d days.") % {"days": MAX_MEETING_LENGTH.days}}
            )

    @property
    def is_draft(self) -> bool:
        """Scheduled, agenda not published yet: nobody has been sent anything."""
        return self.published_at is None and self.status == self.Status.PLANNED

    @property
    def is_locked(self) -> bool:
        """Approved minutes, and the outcomes they record, cannot change any more."""
        return self.status == self.Status.MINUTES_APPROVED


class AgendaItem(models.Model):
    """An item on a meeting's agenda, or in the committee's backlog (no meeting yet)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed (backlog)")
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Discussed, still open")
        CLOSED = "closed", _("Closed")
        DROPPED = "dropped", _("Dropped (not taken up)")

    # On a meeting's agenda (a proposal, such as a carried-over item waiting for the secretary's
    # review, is on the meeting but not yet on its agenda; a dropped one never will be).
    ON_AGENDA = (Status.SCHEDULED, Status.OPEN, Status.CLOSED)

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="agenda_items")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("time (minutes)"), null=True, blank=True)
    papers = models.TextField(_("papers"), blank=True, max_length=2000, help_text=_("One link or reference a line."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    minutes = models.TextField(_("minutes"), blank=True, max_length=100000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    follow_up_of = models.ForeignKey(
        "Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_up_items"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"],
                name="coordination_agenda_order_unique",
                violation_error_message=_("Another agenda item already has this place in the order."),
            ),
            # Carry-over: an item is carried on once, a decision followed up once per meeting.
            models.UniqueConstraint(
                fields=["carried_from"],
                condition=Q(carried_from__isnull=False),
                name="coordination_item_carried_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "follow_up_of"],
                condition=Q(follow_up_of__isnull=False),
                name="coordination_follow_up_once_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["follow_up_of"],
                condition=Q(follow_up_of__isnull=False, meeting__isnull=True),
                name="coordination_follow_up_once_in_backlog",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """An outcome of an agenda item: noted for information, a decision, or a follow-up action.

    Decisions and actions carry an owner, a due date and a status now; the action-plan app takes
    one over as an action through ``actionplans.Action.source_decision`` (ADR 0004).
    """

    class Kind(models.TextChoices):
        INFORMATION = "information", _("For information")
        DECISION = "decision", _("Decision")
        ACTION = "action", _("Follow-up action")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    UNDONE = (Status.OPEN, Status.IN_PROGRESS)
    TRACKED_KINDS = (Kind.DECISION, Kind.ACTION)

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    # Denormalised from the agenda item so permissions and lists need no extra joins.
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DECISION)
    text = models.TextField(_("text"), max_length=5000)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_decisions",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_decisions",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["committee", "status"], name="coordination_decision_open")]

    def __str__(self) -> str:
        # Never the text: an outcome of a confidential meeting stays with those who attended, and this
        # string lands in the audit trail (target_repr), the admin and the subject access export.
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{reverse('coordination:meeting-detail', args=[self.meeting_id])}#decision-{self.pk}"

    @property
    def is_undone(self) -> bool:
        return self.kind in self.TRACKED_KINDS and self.status in self.UNDONE


class MinutesCorrection(models.Model):
    """Approved minutes reopened by the chair for a correction: who, when and why, shown on the
    minutes from then on (the approval that follows is recorded on the meeting as usual)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="corrections")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("reopened by")
    )
    reopened_at = models.DateTimeField(_("reopened"), auto_now_add=True)
    reason = models.TextField(_("reason for the correction"), max_length=2000)
    previously_approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reopened_at", "id"]
        verbose_name = _("minutes correction")
        verbose_name_plural = _("minutes corrections")

    def __str__(self) -> str:
        return f"correction of {self.meeting} on {self.reopened_at:%Y-%m-%d}"


class Invitation(models.Model):
    """Who is asked to a meeting: members, and officials summoned to this one meeting only."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        SUMMONED = "summoned", _("Summoned official")
        GUEST = "guest", _("Guest")

    class Response(models.TextChoices):
        PENDING = "pending", _("No reply yet")
        ACCEPTED = "accepted", _("Accepted")
        TENTATIVE = "tentative", _("Tentative")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="meeting_invitations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MEMBER)
    response = models.CharField(_("reply"), max_length=16, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The meeting's SEQUENCE this invitee was last sent (None: never sent this meeting's invitation);
    # a later agenda change sends an update (a higher SEQUENCE) to those already sent one.
    sent_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Invited once the meeting had started: attending on such an invitation does not open a
    # confidential meeting's minutes (ADR 0003).
    after_start = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__full_name", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="coordination_one_invitation",
                violation_error_message=_("This person is already invited."),
            ),
        ]
        indexes = [models.Index(fields=["person", "meeting"], name="coordination_invitation_person")]

    def __str__(self) -> str:
        return f"{self.person} → {self.meeting}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        APOLOGIES = "apologies", _("Apologies")
        ABSENT = "absent", _("Absent")
        REPRESENTED = "represented", _("Represented")

    ATTENDED = (Status.PRESENT, Status.REPRESENTED)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="meeting_attendance"
    )
    status = models.CharField(_("attendance"), max_length=16, choices=Status.choices)
    represented_by = models.ForeignKey(
        Person,
        verbose_name=_("represented by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Attendance is a grant (a confidential meeting's minutes): who recorded it, and the logins the
    # attendee and the stand-in had when it was recorded. Access follows these, not whichever login
    # the person record is linked to later (ADR 0003).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    attendee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    stand_in_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person__full_name", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="coordination_one_attendance"),
            models.CheckConstraint(
                condition=Q(status="represented", represented_by__isnull=False) | ~Q(status="represented"),
                name="coordination_represented_needs_whom",
                violation_error_message=_("Say who represented them."),
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="coordination_attendance_person"),
            models.Index(fields=["attendee_user", "status"], name="coordination_attendance_login"),
            models.Index(fields=["stand_in_user"], name="coordination_attend_stand_in"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"


class CalendarFeedToken(models.Model):
    """The secret in a user's personal iCalendar feed URL; resetting it invalidates the old URL."""

    revoked_with_credentials = True  # core.services.user_credentials_revoke: password change, deactivation

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"


def _paper_storage() -> Any:
    from coordination.storage import PaperStorage

    return PaperStorage()


def _paper_path(instance: Paper, filename: str) -> str:
    # A random name on disk: the original name is kept in ``name`` and sent on download only.
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Paper(models.Model):
    """A file attached to an agenda item, to a meeting's minutes, or to a committee. Stored outside
    the public media path and served only through ``coordination.views.paper_download``, under the
    rule of what it is attached to (coordination/papers.py)."""

    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="paper_files"
    )
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="papers")
    committee = models.ForeignKey(Committee, null=True, blank=True, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(storage=_paper_storage, upload_to=_paper_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("added by")
    )
    uploaded_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(agenda_item__isnull=False, meeting__isnull=True, committee__isnull=True)
                    | Q(agenda_item__isnull=True, meeting__isnull=False, committee__isnull=True)
                    | Q(agenda_item__isnull=True, meeting__isnull=True, committee__isnull=False)
                ),
                name="coordination_paper_one_owner",
                violation_error_message=_(
                    "A paper belongs to one agenda item, one meeting's minutes or one committee."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"paper #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("coordination:paper-download", args=[self.pk])


class CommitteeGrant(ObjectGrant):
    """An explicit grant on one committee (see ``core.models.ObjectGrant``): ``view`` lets the grantee
    see the committee, its members and its meetings (minutes follow their own rule). Written only
    through ``coordination.services.committee_grant`` / ``committee_revoke``."""

    VIEW = "view"
    PERMISSIONS = (VIEW,)

    target = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="grants")

    class Meta:
        verbose_name = _("committee grant")
        verbose_name_plural = _("committee grants")
        indexes = [
            models.Index(
                fields=["grantee_kind", "grantee_id", "permission", "target"],
                include=["expires_at"],
                condition=models.Q(revoked_at__isnull=True),
                name="coordination_cttgrant_idx",
            ),
        ]


class MeetingGrant(ObjectGrant):
    """An explicit grant on one meeting: ``view`` (the meeting and its agenda) or ``read_minutes``
    (also its minutes, for a meeting that is not confidential: a safe space's minutes reach its
    attendees only, ADR 0003, and no grant overrides that). Written only through
    ``coordination.services.meeting_grant`` / ``meeting_revoke``."""

    VIEW = "view"
    READ_MINUTES = "read_minutes"
    PERMISSIONS = (VIEW, READ_MINUTES)

    target = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="grants")

    class Meta:
        verbose_name = _("meeting grant")
        verbose_name_plural = _("meeting grants")
        indexes = [
            models.Index(
                fields=["grantee_kind", "grantee_id", "permission", "target"],
                include=["expires_at"],
                condition=models.Q(revoked_at__isnull=True),
                name="coordination_mtggrant_idx",
            ),
        ]

"""Action plans the way results-based management expects them.

A national ``Framework`` (versioned, with pillars) frames ``ActionPlan``s per jurisdiction and owning
committee (a county plan under the national plan); a plan has ``Objective``s mapped to pillars,
``Action``s with a lead organisation and partners, ``Indicator``s with baselines and targets per
period. Partners report ``ProgressUpdate``s with ``Evidence``; only accepted values count anywhere
(``actionplans.rollup``). Funding is allocated and disbursed in ``Tranche``s; evaluation checkpoints
rate the six OECD-DAC criteria; lessons learnt can become new actions.

Every editable row the API writes carries ``version`` (optimistic concurrency: ``If-Match``).
``local_only`` marks detail that stays in the plan's jurisdiction: liaisons above read the roll-up
without it, and exports for publication (IATI) leave it out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ObjectGrant

CURRENCY_VALIDATOR = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code, such as KES or EUR."))


def evidence_storage() -> FileSystemStorage:
    """Evidence lives outside the public media path and is served only by a permission-checked view."""
    location = getattr(settings, "ACTIONPLANS_EVIDENCE_ROOT", None) or (settings.VAR_DIR / "private" / "evidence")
    return FileSystemStorage(location=str(location), base_url=None)


class Framework(models.Model):
    """A national strategy: a revised strategy is a new version with its own pillars."""

    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.ForeignKey(
        "stakeholders.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"],
                name="actionplans_framework_version_unique",
                violation_error_message=_("This framework already has that version."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("actionplans:framework-detail", args=[self.pk])


class Pillar(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order", "code"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"],
                name="actionplans_pillar_code_unique",
                violation_error_message=_("This framework already has a pillar with that code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("In consultation")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    jurisdiction = models.ForeignKey(
        "stakeholders.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    owning_committee = models.ForeignKey(
        "coordination.Committee",
        verbose_name=_("owning committee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    rag_amber_below = models.PositiveSmallIntegerField(
        # Translators: xgettext:no-python-format (a label, never formatted)
        _("amber below (% of expected progress)"),
        default=90,
        validators=[MaxValueValidator(100)],
        help_text=_("An action whose progress falls below this share of the progress expected by now is amber."),
    )
    rag_red_below = models.PositiveSmallIntegerField(
        # Translators: xgettext:no-python-format (a label, never formatted)
        _("red below (% of expected progress)"),
        default=60,
        validators=[MaxValueValidator(100)],
        help_text=_("Below this share of the expected progress an action is red."),
    )
    local_only = models.BooleanField(
        _("local only"), default=False, help_text=_("Not shown to liaisons above, not published.")
    )
    iati_identifier = models.CharField(_("IATI identifier"), max_length=100, blank=True)
    approved_version = models.PositiveIntegerField(_("approved version"), default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "title", "id"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="actionplans_plan_period_in_order",
                violation_error_message=_("A plan's period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(rag_red_below__lte=F("rag_amber_below")),
                name="actionplans_plan_rag_thresholds_in_order",
                violation_error_message=_("The red threshold must not be above the amber threshold."),
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "status"], name="actionplans_plan_jur_idx"),
            # The plan list's keyset order (ADR 0014).
            models.Index(fields=["-period_start", "title", "id"], name="actionplans_plan_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:plan-detail", args=[self.pk])

    def clean(self) -> None:
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A plan cannot be its own parent.")})


class PlanVersion(models.Model):
    """An approved version of a plan, kept as a JSON snapshot (objectives, actions, indicators)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(default=dict)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="actionplans_plan_version_unique",
                violation_error_message=_("This plan already has that version."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Objective(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    pillars = models.ManyToManyField(Pillar, verbose_name=_("pillars"), blank=True, related_name="objectives")
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="actionplans_objective_code_unique",
                violation_error_message=_("This plan already has an objective with that code."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="actionplans_objective_weight_positive",
                violation_error_message=_("The weight must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Action(models.Model):
    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity")
        CAPACITY_BUILDING = "capacity_building", _("Capacity building")
        COMMUNICATION = "communication", _("Communication and outreach")
        FUNDING = "funding", _("Funding of local initiatives")
        RESEARCH = "research", _("Research and assessment")
        COORDINATION = "coordination", _("Coordination")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    class Rag(models.TextChoices):
        GREEN = "green", _("On track")
        AMBER = "amber", _("At risk")
        RED = "red", _("Off track")

    OPEN = (Status.PLANNED, Status.IN_PROGRESS, Status.SUSPENDED)

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.PROTECT, related_name="actions"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ACTIVITY)
    lead_organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_actions",
    )
    owner = models.ForeignKey(
        "stakeholders.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_actions",
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("due"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    progress_as_of = models.DateField(
        _("progress as of"), null=True, blank=True, editable=False, help_text=_("End of the last accepted period.")
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    rag_override = models.CharField(_("RAG override"), max_length=8, choices=Rag.choices, blank=True)
    rag_override_reason = models.TextField(_("reason for the override"), blank=True, max_length=2000)
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[CURRENCY_VALIDATOR])
    local_only = models.BooleanField(
        _("local only"), default=False, help_text=_("Not shown to liaisons above, not published.")
    )
    decision = models.OneToOneField(
        "coordination.Decision",
        verbose_name=_("meeting decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["planned_end", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="actionplans_action_dates_in_order",
                violation_error_message=_("The due date cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="actionplans_action_actual_dates_in_order",
                violation_error_message=_("The actual end cannot be before the actual start."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="actionplans_action_progress_range",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(rag_override_reason=""),
                name="actionplans_action_override_has_reason",
                violation_error_message=_("Say why the RAG status is overridden."),
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "status", "planned_end"], name="actionplans_action_plan_idx"),
            models.Index(fields=["lead_organisation", "-id"], name="actionplans_action_lead_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:action-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.rag_override and not (self.rag_override_reason or "").strip():
            errors["rag_override_reason"] = _("Say why the RAG status is overridden.")
        if self.budget is not None and not self.currency:
            errors["currency"] = _("Give the currency of the budget.")
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The due date cannot be before the start.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ActionPartner(models.Model):
    class Role(models.TextChoices):
        FUNDING = "funding", _("Funding")
        ACCOUNTABLE = "accountable", _("Accountable")
        IMPLEMENTING = "implementing", _("Implementing")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="action_partnerships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["action", "role", "id"]
        verbose_name = _("action partner")
        verbose_name_plural = _("action partners")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "organisation", "role"],
                name="actionplans_partner_unique",
                violation_error_message=_("This organisation already has that role in the action."),
            )
        ]
        indexes = [models.Index(fields=["organisation", "action"], name="actionplans_partner_org_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class DueListEntry(models.Model):
    """An open action on the due list of an organisation that leads or partners it: what "my
    actions" reads, in due order, from one index (``actionplans.duelist``, ADR 0010). Derived
    data, kept in step with actions and partners by model signals; never edited by hand."""

    # Both looked up through the indexes below (the organisation's due order, the action's rows).
    organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+", db_index=False)
    planned_end = models.DateField()

    class Meta:
        verbose_name = _("due list entry")
        verbose_name_plural = _("due list entries")
        constraints = [
            models.UniqueConstraint(fields=["action", "organisation"], name="actionplans_duelist_unique"),
        ]
        indexes = [
            models.Index(fields=["organisation", "planned_end", "action"], name="actionplans_duelist_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.action_id} ({self.planned_end})"


class ActionGrant(ObjectGrant):
    """An action explicitly shared with a grantee (an organisation, a committee, a person)."""

    target = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="grants")

    class Meta:
        verbose_name = _("action grant")
        verbose_name_plural = _("action grants")
        indexes = [models.Index(fields=["grantee_kind", "grantee_id", "permission"], name="actionplans_grant_idx")]


class CapacitySession(models.Model):
    """A training session of a capacity-building action. Gender and age are counted only where the
    participants consented to it being recorded."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    participants = models.PositiveIntegerField(_("participants"))
    demographics_consented = models.BooleanField(_("participants consented to gender and age being recorded"))
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    youth = models.PositiveIntegerField(_("youth (15-35)"), null=True, blank=True)

    class Meta:
        ordering = ["action", "held_on", "id"]
        verbose_name = _("capacity-building session")
        verbose_name_plural = _("capacity-building sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(demographics_consented=True) | Q(women__isnull=True, men__isnull=True, youth__isnull=True),
                name="actionplans_session_demographics_consented",
                violation_error_message=_("Gender and age are recorded only where participants consented."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"

    def clean(self) -> None:
        if (self.women or 0) + (self.men or 0) > (self.participants or 0):
            raise ValidationError({"women": _("Women and men together cannot be more than the participants.")})
        if (self.youth or 0) > (self.participants or 0):
            raise ValidationError({"youth": _("Youth cannot be more than the participants.")})


class SessionSectorCount(models.Model):
    session = models.ForeignKey(CapacitySession, on_delete=models.CASCADE, related_name="by_sector")
    sector = models.ForeignKey("stakeholders.Sector", on_delete=models.PROTECT, related_name="+")
    participants = models.PositiveIntegerField(_("participants"))

    class Meta:
        verbose_name = _("participants by sector")
        verbose_name_plural = _("participants by sector")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "sector"],
                name="actionplans_session_sector_unique",
                violation_error_message=_("This sector is already counted for the session."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sector}: {self.participants}"


class Indicator(models.Model):
    class Measure(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage (numerator over denominator)")
        QUALITATIVE = "qualitative", _("Qualitative")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum")
        AVERAGE = "average", _("Average")
        MAX = "max", _("Maximum")
        LATEST = "latest", _("Latest")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices, default=Measure.NUMBER)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    cumulative = models.BooleanField(
        _("cumulative"),
        default=False,
        help_text=_("Each value is the running total to date: the latest accepted value counts, never a sum."),
    )
    aggregation = models.CharField(
        _("how values combine"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_value = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4, null=True, blank=True)
    means_of_verification = models.TextField(_("means of verification"), blank=True, max_length=2000)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("rolls up to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_("The indicator of the parent plan this one counts towards."),
    )
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])
    local_only = models.BooleanField(_("local only"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="actionplans_indicator_code_unique",
                violation_error_message=_("This plan already has an indicator with that code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("actionplans:plan-detail", args=[self.plan_id]) + f"#indicator-{self.pk}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.measure == self.Measure.QUALITATIVE and self.baseline_value is not None:
            errors["baseline_value"] = _("A qualitative indicator has no numeric baseline.")
        if (
            self.measure == self.Measure.PERCENTAGE
            and self.baseline_value is not None
            and not (Decimal(0) <= self.baseline_value <= Decimal(100))
        ):
            errors["baseline_value"] = _("A percentage lies between 0 and 100.")
        if self.parent_id is not None and self.parent is not None:
            if self.parent.measure != self.measure:
                errors["parent"] = _("An indicator rolls up only to one with the same measure.")
            elif self.plan_id and self.parent.plan_id == self.plan_id:
                errors["parent"] = _("An indicator rolls up to an indicator of the parent plan.")
        if errors:
            raise ValidationError(errors)


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=4, null=True, blank=True)
    text = models.CharField(_("target (qualitative)"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"],
                name="actionplans_target_period_unique",
                violation_error_message=_("This indicator already has a target for that period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="actionplans_target_period_in_order",
                violation_error_message=_("A period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_start}: {self.value if self.value is not None else self.text}"


class ProgressUpdate(models.Model):
    """A report for one action or one indicator period. Only accepted values count anywhere;
    acceptance locks the period (one accepted update per subject and period), return unlocks it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE, related_name="updates")
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="updates")
    # Denormalised so permission filters and lists need no extra joins.
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="updates")
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("reporting organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    narrative = models.TextField(_("narrative"), blank=True, max_length=10000)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=4, null=True, blank=True)
    text_value = models.TextField(_("qualitative result"), blank=True, max_length=5000)
    evidence_link = models.URLField(_("evidence link"), blank=True, max_length=500)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(_("review note"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=(Q(action__isnull=False) & Q(indicator__isnull=True))
                | (Q(action__isnull=True) & Q(indicator__isnull=False)),
                name="actionplans_update_one_subject",
                violation_error_message=_("An update reports on one action or one indicator."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="actionplans_update_period_in_order",
                violation_error_message=_("A period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="actionplans_update_progress_range",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_note=""),
                name="actionplans_update_return_has_note",
                violation_error_message=_("Say why the update is returned."),
            ),
            models.UniqueConstraint(
                fields=["action", "period_start"],
                condition=Q(status="accepted", action__isnull=False),
                name="actionplans_update_action_period_locked",
                violation_error_message=_("This period already has an accepted update: it is locked."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start"],
                condition=Q(status="accepted", indicator__isnull=False),
                name="actionplans_update_indicator_period_locked",
                violation_error_message=_("This period already has an accepted update: it is locked."),
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "status", "period_end"], name="actionplans_update_ind_idx"),
            models.Index(fields=["action", "status", "period_end"], name="actionplans_update_act_idx"),
            models.Index(fields=["plan", "status"], name="actionplans_update_plan_idx"),
            # "My actions": reports waiting for review, oldest first; reports returned, newest first.
            models.Index(
                fields=["submitted_at", "id"], condition=Q(status="submitted"), name="actionplans_update_rev_idx"
            ),
            models.Index(
                fields=["-reviewed_at", "-id"], condition=Q(status="returned"), name="actionplans_update_ret_idx"
            ),
        ]

    def __str__(self) -> str:
        subject = self.action if self.action_id else self.indicator
        return f"{subject} {self.period_start:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("actionplans:update-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        indicator = self.indicator if self.indicator_id else None
        if indicator is not None:
            measure = indicator.measure
            if measure == Indicator.Measure.NUMBER:
                if self.value is None and self.status != self.Status.DRAFT:
                    errors["value"] = _("Give the value: this indicator is a number.")
                if self.numerator is not None or self.denominator is not None or self.text_value:
                    errors["value"] = _("This indicator takes a number, not a fraction or text.")
            elif measure == Indicator.Measure.PERCENTAGE:
                if self.value is not None or self.text_value:
                    errors["numerator"] = _("This indicator is a percentage: give numerator and denominator.")
                if (self.numerator is None or self.denominator is None) and self.status != self.Status.DRAFT:
                    errors["denominator"] = _("Give both numerator and denominator.")
                if self.denominator is not None and self.denominator <= 0:
                    errors["denominator"] = _("The denominator must be more than 0.")
                if self.numerator is not None and self.numerator < 0:
                    errors["numerator"] = _("The numerator cannot be negative.")
                if (
                    self.numerator is not None
                    and self.denominator is not None
                    and self.denominator > 0
                    and self.numerator > self.denominator
                ):
                    errors["numerator"] = _("The numerator cannot be more than the denominator.")
            else:
                if self.value is not None or self.numerator is not None or self.denominator is not None:
                    errors["text_value"] = _("This indicator is qualitative: describe the result in words.")
        if self.status == self.Status.RETURNED and not (self.review_note or "").strip():
            errors["review_note"] = _("Say why the update is returned.")
        if errors:
            raise ValidationError(errors)

    @property
    def ratio_value(self) -> Decimal | None:
        if self.numerator is not None and self.denominator:
            return self.numerator * 100 / self.denominator
        return self.value


def _evidence_path(instance: Evidence, filename: str) -> str:
    today = timezone.localdate()
    return f"{today:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A file attached to a progress update, checked by content; stored outside the public media
    path under its hash, served only through the permission-checked download view."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, storage=evidence_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["update", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("actionplans:evidence-download", args=[self.pk])


class FundingAllocation(models.Model):
    class Status(models.TextChoices):
        COMMITTED = "committed", _("Committed")
        INDICATIVE = "indicative", _("Indicative")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="allocations")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocations")
    title = models.CharField(_("initiative"), max_length=200)
    funder = models.ForeignKey(
        "stakeholders.Organisation", verbose_name=_("funder"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "stakeholders.Organisation", verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.INDICATIVE)
    next_tranche_needs_accepted_report = models.BooleanField(
        _("each tranche after the first waits for an accepted report"), default=False
    )
    local_only = models.BooleanField(_("local only"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("funding allocation")
        verbose_name_plural = _("funding allocations")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="actionplans_allocation_amount_positive",
                violation_error_message=_("The amount cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.amount} {self.currency}"


class Tranche(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DISBURSED = "disbursed", _("Disbursed")
        CANCELLED = "cancelled", _("Cancelled")

    allocation = models.ForeignKey(FundingAllocation, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    planned_on = models.DateField(_("planned for"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)

    class Meta:
        ordering = ["allocation", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "number"],
                name="actionplans_tranche_number_unique",
                violation_error_message=_("This allocation already has a tranche with that number."),
            ),
            models.CheckConstraint(
                condition=~Q(status="disbursed") | Q(disbursed_on__isnull=False),
                name="actionplans_tranche_disbursed_has_date",
                violation_error_message=_("Give the date of the disbursement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation.title} #{self.number}"


class OfferTakeUp(models.Model):
    """A registry resource offer (often from a company) taken up by an action."""

    offer = models.ForeignKey("stakeholders.ResourceOffer", on_delete=models.CASCADE, related_name="take_ups")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="offer_take_ups")
    taken_up_on = models.DateField(_("taken up on"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-taken_up_on", "-id"]
        verbose_name = _("offer taken up")
        verbose_name_plural = _("offers taken up")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "action"],
                name="actionplans_takeup_unique",
                violation_error_message=_("This offer is already taken up by this action."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} -> {self.action_id}"


RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class EvaluationCheckpoint(models.Model):
    """Baseline, mid-term, end-line or ad-hoc evaluation, rated on the six OECD-DAC criteria
    (1 = unsatisfactory ... 4 = highly satisfactory)."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        MID_TERM = "mid_term", _("Mid-term")
        END_LINE = "end_line", _("End-line")
        AD_HOC = "ad_hoc", _("Ad hoc")

    CRITERIA = ("relevance", "coherence", "effectiveness", "efficiency", "impact", "sustainability")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("due"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    relevance = models.PositiveSmallIntegerField(_("relevance"), null=True, blank=True, validators=RATING_VALIDATORS)
    coherence = models.PositiveSmallIntegerField(_("coherence"), null=True, blank=True, validators=RATING_VALIDATORS)
    effectiveness = models.PositiveSmallIntegerField(
        _("effectiveness"), null=True, blank=True, validators=RATING_VALIDATORS
    )
    efficiency = models.PositiveSmallIntegerField(_("efficiency"), null=True, blank=True, validators=RATING_VALIDATORS)
    impact = models.PositiveSmallIntegerField(_("impact"), null=True, blank=True, validators=RATING_VALIDATORS)
    sustainability = models.PositiveSmallIntegerField(
        _("sustainability"), null=True, blank=True, validators=RATING_VALIDATORS
    )
    report = models.TextField(_("report"), blank=True, max_length=20000)
    report_link = models.URLField(_("report link"), blank=True, max_length=500)
    management_response = models.TextField(_("management response"), blank=True, max_length=10000)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["plan", "due_on", "id"]
        verbose_name = _("evaluation checkpoint")
        verbose_name_plural = _("evaluation checkpoints")
        constraints = [
            models.CheckConstraint(
                condition=Q(relevance__isnull=True) | Q(relevance__gte=1, relevance__lte=4),
                name="actionplans_eval_relevance_range",
                violation_error_message=_("Ratings run from 1 to 4."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"

    def ratings(self) -> list[tuple[str, int | None]]:
        return [(name, getattr(self, name)) for name in self.CRITERIA]


class Lesson(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="lessons")
    checkpoint = models.ForeignKey(
        EvaluationCheckpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    text = models.TextField(_("lesson"), max_length=5000)
    became_action = models.OneToOneField(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="from_lesson"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-created_at", "-id"]
        verbose_name = _("lesson learnt")
        verbose_name_plural = _("lessons learnt")

    def __str__(self) -> str:
        return self.text[:60]


class AgendaProposal(models.Model):
    """An overdue or at-risk action proposed once to the owning committee's backlog (the
    plan-to-meeting loop): one row per action and due date, so a retry never proposes twice."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="agenda_proposals")
    due_on = models.DateField()
    agenda_item = models.ForeignKey(
        "coordination.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda proposal")
        verbose_name_plural = _("agenda proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "due_on"],
                name="actionplans_agenda_proposal_once",
                violation_error_message=_("This action is already proposed for that due date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id} @ {self.due_on}"

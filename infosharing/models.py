"""Information sharing: agreements, templates, TLP-marked items, grants, the access log.

Every read of an item goes through the rule in ``infosharing/permissions.py``; lists read the
denormalised :class:`ItemVisibility` table that the services keep in step (ADR 0011).
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any, ClassVar

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.models import Committee
from core.models import ObjectGrant
from stakeholders.models import Organisation


class TLP(models.TextChoices):
    """Traffic Light Protocol 2.0 labels, lowest to highest."""

    CLEAR = "CLEAR", "TLP:CLEAR"
    GREEN = "GREEN", "TLP:GREEN"
    AMBER = "AMBER", "TLP:AMBER"
    AMBER_STRICT = "AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "RED", "TLP:RED"


TLP_RANK: dict[str, int] = {TLP.CLEAR: 0, TLP.GREEN: 1, TLP.AMBER: 2, TLP.AMBER_STRICT: 3, TLP.RED: 4}
#: The label's colour (TLP 2.0), always printed on black.
TLP_COLOUR: dict[str, str] = {
    TLP.CLEAR: "#FFFFFF",
    TLP.GREEN: "#33FF00",
    TLP.AMBER: "#FFC000",
    TLP.AMBER_STRICT: "#FFC000",
    TLP.RED: "#FF2B2B",
}

#: What each label lets recipients do (FIRST's TLP 2.0 definitions), in the reader's language; the
#: labels themselves ("TLP:AMBER") are never translated.
TLP_MEANING: dict[str, Any] = {
    TLP.CLEAR: _("Recipients may share this with the world: disclosure is not limited."),
    TLP.GREEN: _("Recipients may share this within their community, but not through public channels."),
    TLP.AMBER: _("Recipients may share this on a need-to-know basis within their organisation and its clients."),
    TLP.AMBER_STRICT: _("Recipients may share this on a need-to-know basis within their organisation only."),
    TLP.RED: _("For the eyes and ears of the individual recipients only: no further disclosure."),
}

#: Whom a grant under an agreement may reach for each label (the service's ``_label_check`` and
#: ``_party_check``), shown beside the grants where sharing is administered.
TLP_SHARING_LIMITS: dict[str, Any] = {
    TLP.CLEAR: _("Every signed-in user may open it; no grant is needed."),
    TLP.GREEN: _(
        "May be granted to the community of the parties: their organisations, the client committees and their people."
    ),
    TLP.AMBER: _(
        "May be granted to the parties' organisations, the agreement's client committees and named people "
        "of the parties."
    ),
    TLP.AMBER_STRICT: _("May be granted to the parties' organisations only."),
    TLP.RED: _("May be granted to named people of the parties only."),
}


def tlp_rank(label: str) -> int:
    return TLP_RANK.get(label, -1)


class ImpactAssessment(models.Model):
    """A data-protection impact assessment (DPIA) record an agreement links to."""

    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    completed_on = models.DateField(_("completed on"))
    outcome = models.TextField(_("outcome and residual risks"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "id"]
        verbose_name = _("impact assessment (DPIA)")
        verbose_name_plural = _("impact assessments (DPIA)")

    def __str__(self) -> str:
        return f"{self.title} ({self.completed_on:%Y-%m-%d})"


class SharingAgreement(models.Model):
    """An information-sharing agreement: why, what, between whom, on which legal basis, for how long."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Expired")

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        CONTRACT = "contract", _("Contract")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
        VITAL_INTERESTS = "vital_interests", _("Vital interests")
        PUBLIC_TASK = "public_task", _("Public task")
        LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests")

    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), max_length=5000)
    summary = models.TextField(
        _("plain-language summary"),
        max_length=3000,
        help_text=_("Shown to every user before their first access under this agreement."),
    )
    categories = models.JSONField(
        _("categories of information"), default=list, help_text=_("The kinds of information this agreement covers.")
    )
    lawful_basis = models.CharField(_("lawful basis"), max_length=32, choices=LawfulBasis.choices)
    special_category = models.BooleanField(_("special-category data"), default=False)
    criminal_offence = models.BooleanField(_("criminal-offence data"), default=False)
    special_condition = models.TextField(
        _("condition for special-category or criminal-offence data"), blank=True, max_length=2000
    )
    impact_assessment = models.ForeignKey(
        ImpactAssessment,
        verbose_name=_("impact assessment (DPIA)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    retention_days = models.PositiveIntegerField(_("retention (days)"), default=365)
    disposal = models.TextField(_("disposal"), max_length=2000)
    security_measures = models.TextField(_("security measures"), max_length=3000)
    rights_handling = models.TextField(_("how individuals' rights are handled"), max_length=3000)
    primary_user_roles = models.TextField(_("primary user roles"), max_length=2000)
    max_tlp = models.CharField(_("highest TLP label allowed"), max_length=16, choices=TLP.choices, default=TLP.AMBER)
    client_committees = models.ManyToManyField(
        Committee,
        verbose_name=_("client committees"),
        blank=True,
        related_name="sharing_agreements",
        help_text=_("Committees whose members may receive TLP:AMBER and TLP:GREEN items on need to know."),
    )
    training_required = models.BooleanField(_("training required before access"), default=False)
    release_approval_required = models.BooleanField(
        _("second-person approval before a TLP:RED or TLP:AMBER+STRICT release"), default=False
    )
    review_interval_months = models.PositiveSmallIntegerField(_("review interval (months)"), default=12)
    next_review = models.DateField(_("next review"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("sharing agreement")
        verbose_name_plural = _("sharing agreements")
        indexes = [
            models.Index(fields=["status", "next_review"], name="infosharing_agreement_review"),
            models.Index(fields=["title", "id"], name="infosharing_agreement_title"),  # the list's order
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("infosharing:agreement-detail", args=[self.pk])

    def allows_new_sharing(self, today: date | None = None) -> bool:
        """Active, not past its review date, not past its end: anything else stops new sharing at once."""
        today = today or timezone.localdate()
        return (
            self.status == self.Status.ACTIVE
            and self.next_review >= today
            and (self.ends_on is None or self.ends_on >= today)
        )

    @property
    def review_overdue(self) -> bool:
        return self.next_review < timezone.localdate()


def sharing_open_q(prefix: str = "", today: date | None = None) -> Q:
    """Agreements under which new sharing is allowed today (the same test as ``allows_new_sharing``)."""
    today = today or timezone.localdate()
    return (
        Q(**{f"{prefix}status": SharingAgreement.Status.ACTIVE})
        & Q(**{f"{prefix}next_review__gte": today})
        & (Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today}))
    )


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead (controller)")
        PROVIDER = "provider", _("Provides information")
        RECIPIENT = "recipient", _("Receives information")
        BOTH = "both", _("Provides and receives")

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="sharing_parties"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.BOTH)

    class Meta:
        ordering = ["organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="infosharing_one_party_row"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class AgreementSignatory(models.Model):
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"))

    class Meta:
        ordering = ["signed_on", "id"]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation} ({self.signed_on:%Y-%m-%d})"


class SharingAdmin(models.Model):
    """The sharing admin (data-protection lead) of an organisation: configures agreements where the
    organisation is a party, decides access requests for its items, reads their access logs. Never
    reads item content by this role alone. Appointed by a platform admin."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sharing_admin_of")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sharing_admins")
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="infosharing_one_sharing_admin")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class Template(models.Model):
    """A standardised format for items: admin-defined fields (name, label, type, required, help)."""

    class FieldType(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        DATE = "date", _("Date")
        BOOLEAN = "boolean", _("Yes or no")
        CHOICE = "choice", _("One of a list")

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    fields = models.JSONField(
        _("fields"),
        default=list,
        help_text='[{"name": "...", "label": "...", "type": "text", "required": true, "help": "...", "choices": []}]',
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("template")
        verbose_name_plural = _("templates")

    def __str__(self) -> str:
        return self.name


def new_reference() -> str:
    return "IS-" + secrets.token_hex(5).upper()


class InformationItem(models.Model):
    """One shared item: a template's values, facts and opinion kept apart, exactly one TLP label."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_reference, editable=False)
    title = models.CharField(_("title"), max_length=200)
    template = models.ForeignKey(
        Template, verbose_name=_("template"), on_delete=models.PROTECT, related_name="items", null=True, blank=True
    )
    values = models.JSONField(_("values"), default=dict, blank=True)
    facts = models.TextField(_("facts"), blank=True, max_length=20000)
    opinion = models.TextField(_("opinion and assessment"), blank=True, max_length=20000)
    label = models.CharField(_("TLP label"), max_length=16, choices=TLP.choices, blank=True)
    category = models.CharField(_("category"), max_length=100)
    originator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("originator"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("originating organisation"), on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.ForeignKey(
        SharingAgreement,
        verbose_name=_("agreement cited"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    cites = models.ManyToManyField(
        "self", verbose_name=_("related items"), symmetrical=False, blank=True, related_name="cited_by"
    )
    retention_until = models.DateField(_("keep until"))
    review_on = models.DateField(_("review on"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="infosharing_item_newest"),
            # An agreement's access page lists its items newest first, by keyset.
            models.Index(fields=["agreement", "-created_at", "-id"], name="infosharing_item_agr_page"),
            models.Index(fields=["retention_until"], name="infosharing_item_retention", condition=Q(erased_at=None)),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.label_display}"

    def get_absolute_url(self) -> str:
        return reverse("infosharing:item-detail", args=[self.pk])

    @property
    def label_display(self) -> str:
        return f"TLP:{self.label}" if self.label else str(_("Unlabelled"))

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class Attachment(models.Model):
    """A file of an item, kept in the protected storage (``STORAGES["infosharing"]``), never at a public URL."""

    ALLOWED_TYPES: ClassVar[dict[str, str]] = {
        "application/pdf": "pdf",
        "image/png": "png",
        "image/jpeg": "jpg",
        "text/plain": "txt",
        "text/csv": "csv",
    }

    item = models.ForeignKey(InformationItem, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    stored_as = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class ItemGrant(ObjectGrant):
    """Access to one item for an organisation, a committee or a named person (``core.models.ObjectGrant``).

    ``permission`` is ``read`` or ``read_only`` (reads, but no downloads or exports). A release that
    needs a second person's approval waits with ``approved_at`` empty and gives no access until then.
    """

    class Permission(models.TextChoices):
        READ = "read", _("Read and download")
        READ_ONLY = "read_only", _("Read only (no downloads or exports)")

    target = models.ForeignKey(InformationItem, on_delete=models.CASCADE, related_name="grants")
    needs_approval = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target", "grantee_kind", "grantee_id"], name="infosharing_grant_target"),
            models.Index(fields=["grantee_kind", "grantee_id"], name="infosharing_grant_grantee"),
        ]

    @property
    def is_in_force(self) -> bool:
        return self.is_active and (not self.needs_approval or self.approved_at is not None)


def grant_in_force_q(prefix: str = "") -> Q:
    from core.grants import active_q

    return active_q(prefix) & (Q(**{f"{prefix}needs_approval": False}) | Q(**{f"{prefix}approved_at__isnull": False}))


class ItemVisibility(models.Model):
    """Who may list and open which item, one row per (grantee, item): derived from the grants and the
    label by ``services.visibility_sync`` on every grant, revoke, approval, relabel and erasure.

    ``grantee_kind`` is a ``GranteeKind`` or ``everyone`` (TLP:CLEAR, grantee id 0). ``sort_key`` is the
    item's ``created_at`` (lists are newest first). ``expires_at`` carries the latest expiry of the
    grants behind the row, so an expiry takes effect on the next request, before any job runs.
    """

    EVERYONE = "everyone"

    grantee_kind = models.CharField(max_length=16)
    grantee_id = models.PositiveBigIntegerField()
    sort_key = models.DateTimeField()
    item = models.ForeignKey(InformationItem, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grantee_kind", "grantee_id", "item"], name="infosharing_visibility_one"),
        ]
        indexes = [
            # expires_at rides in the index, so a page or a search reads a principal's rows from the
            # index alone (index-only scans), never the table (ADR 0011)
            models.Index(
                fields=["grantee_kind", "grantee_id", "-sort_key", "-item"],
                include=["expires_at"],
                name="infosharing_visible_page",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantee_kind}:{self.grantee_id} -> {self.item_id}"


class Acknowledgement(models.Model):
    """A user has read the agreement's plain-language summary and accepted its terms."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agreement"], name="infosharing_one_acknowledgement")]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.agreement}"


class TrainingRecord(models.Model):
    """Training in the system and in data protection, per person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sharing_training")
    completed_on = models.DateField(_("completed on"))
    course = models.CharField(_("course"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["-completed_on", "-id"], name="infosharing_training_newest")]  # keyset pages

    def __str__(self) -> str:
        return f"{self.user} · {self.course} · {self.completed_on:%Y-%m-%d}"


class AccessRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    item = models.ForeignKey(InformationItem, on_delete=models.CASCADE, related_name="access_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True, max_length=2000)
    expires_at = models.DateTimeField(_("access until"), null=True, blank=True)
    read_only = models.BooleanField(_("read only"), default=False)
    grant = models.ForeignKey(ItemGrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [  # the request lists' keyset order (ADR 0014): the requester's own, and every one
            models.Index(fields=["requester", "-created_at", "-id"], name="infosharing_request_mine"),
            models.Index(fields=["-created_at", "-id"], name="infosharing_request_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "requester"],
                condition=Q(status="pending"),
                name="infosharing_one_pending_request",
                violation_error_message=_("You have already asked for access to this item."),
            )
        ]

    def __str__(self) -> str:
        return f"request #{self.pk} ({self.get_status_display()})"


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs: Any) -> int:
        raise AccessLogIsAppendOnly

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AccessLogIsAppendOnly


class AccessLogIsAppendOnly(Exception):
    """Log rows are never changed or removed by the application."""


class AccessLog(models.Model):
    """Append-only: each view, search hit, download, export, grant, revoke, label change, erasure,
    access request and refusal. PostgreSQL refuses UPDATE and DELETE by trigger (pgtrigger); SQLite
    refuses UPDATE by trigger (migration 0002); the model refuses both."""

    class Event(models.TextChoices):
        VIEW = "view", _("Viewed")
        SEARCH_HIT = "search_hit", _("Returned by a search")
        DOWNLOAD = "download", _("Attachment downloaded")
        EXPORT = "export", _("Exported")
        GRANT = "grant", _("Access granted")
        GRANT_APPROVE = "grant_approve", _("Release approved")
        REVOKE = "revoke", _("Access revoked")
        LABEL_CHANGE = "label_change", _("Label changed")
        ERASURE = "erasure", _("Erased at retention expiry")
        REFUSAL = "refusal", _("Refused")
        REQUEST = "request", _("Access requested")
        REQUEST_DECISION = "request_decision", _("Access request decided")
        ACKNOWLEDGE = "acknowledge", _("Agreement acknowledged")
        CREATE = "create", _("Created")

    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    item = models.ForeignKey(InformationItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(SharingAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, max_length=2000)
    recipients = models.JSONField(default=list, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["item", "-at", "-id"], name="infosharing_log_item_page"),  # keyset pages
            models.Index(fields=["actor", "-at"], name="infosharing_log_actor"),
        ]
        triggers = [
            pgtrigger.Protect(name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.item_id} by {self.actor_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AccessLogIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AccessLogIsAppendOnly

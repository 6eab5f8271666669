"""Shared plumbing: the user, the audit trail, notifications, the worker heartbeat."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. Signs in with an email address; there is no username."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Digests arrive at your local morning; blank: the site's time zone."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Pages, e-mails and PDFs come in this language; blank: the site's language."),
    )

    objects = UserManager()  # type: ignore[misc,assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    @property
    def public_name(self) -> str:
        """How pages name the user to others: ``str(user)`` falls back to the login e-mail address,
        which is a contact detail (ADR 0005), so pages shown beyond those with a need use this."""
        return self.full_name or str(_("a user without a name on record"))

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.is_active and self.is_superuser)


ACTION_LABELS = {
    "agenda.add": _("Agenda item added"),
    "agenda.propose": _("Agenda item proposed"),
    "agenda.reorder": _("Agenda reordered"),
    "agenda.schedule": _("Proposed item scheduled"),
    "agenda.update": _("Agenda item changed"),
    "agenda.keep": _("Carried-over item kept"),
    "agenda.drop": _("Carried-over item dropped"),
    "committee.create": _("Committee created"),
    "committee.update": _("Committee changed"),
    "committee.member_add": _("Member added"),
    "committee.member_end": _("Membership ended"),
    "decision.record": _("Outcome recorded"),
    "decision.update": _("Outcome changed"),
    "meeting.schedule": _("Meeting scheduled"),
    "meeting.update": _("Meeting changed"),
    "meeting.cancel": _("Meeting cancelled"),
    "meeting.invite": _("Invitation sent"),
    "meeting.reply": _("Invitation answered"),
    "meeting.attendance": _("Attendance recorded"),
    "minutes.record": _("Minutes written"),
    "minutes.approve": _("Minutes approved"),
    "minutes.reopen": _("Minutes reopened for correction"),
    "paper.add": _("Paper added"),
    "paper.remove": _("Paper removed"),
    "meeting.publish": _("Agenda published and invitations sent"),
    "organisation.create": _("Organisation registered"),
    "organisation.update": _("Organisation changed"),
    "organisation.grant": _("Access granted"),
    "organisation.revoke": _("Access revoked"),
    "membership.set": _("Member added or role changed"),
    "membership.remove": _("Member removed"),
    "person.create": _("Person registered"),
    "person.update": _("Person changed"),
    "person.export": _("Personal data downloaded"),
    "person.consent_withdraw": _("Consent withdrawn"),
    "position.create": _("Position added"),
    "position.update": _("Position changed"),
    "jurisdiction.create": _("Jurisdiction added"),
    "jurisdiction.update": _("Jurisdiction changed"),
    "role.grant": _("Role given"),
    "role.revoke": _("Role removed"),
    "user.invite": _("Account opened and invited"),
    "user.deactivate": _("Account deactivated"),
    "user.credentials_revoke": _("API token and calendar feed revoked"),
}


class AuditEvent(models.Model):
    """Who did what to which object, when and why. Written by services, never by signals."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=255)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"], name="core_audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}"

    def get_action_display(self) -> str:
        """A readable label for the action code (``committee.member_add``: "Member added")."""
        label = ACTION_LABELS.get(self.action)
        if label is not None:
            return str(label)
        return self.action.replace(".", ": ", 1).replace("_", " ").capitalize()


class Notification(models.Model):
    """An in-app notification (the bell). Created from a :class:`Delivery` in the transaction that
    claims it, so each delivery makes at most one; read and unread by its recipient."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500, blank=True)
    # The notifications job stamps it with its own clock (the ``now`` it runs for), like the
    # delivery's ``sent_at``, so a digest's window and the bell agree on when it arrived.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.OneToOneField(
        "Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    # "daily" or "weekly" while it waits for the recipient's next digest e-mail; the digest that
    # included it is recorded in ``digest`` (in the transaction that claims the digest).
    digest_frequency = models.CharField(max_length=10, blank=True)
    digest = models.ForeignKey(
        "Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="digest_entries"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="core_notif_unread_idx"),
            models.Index(
                fields=["digest_frequency", "recipient"],
                condition=models.Q(digest__isnull=True) & ~models.Q(digest_frequency=""),
                name="core_notif_digest_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off")


class NotificationPreference(models.Model):
    """How a user wants one kind of notification: at once, in a daily or weekly digest, or not at all.
    No row: immediately."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs")
    kind = models.CharField(max_length=100)
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATELY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="core_one_pref_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.frequency}"


class Delivery(models.Model):
    """One message about one subject to one recipient for one due date: the unit of the delivery
    guarantee (docs/adr/0012-notifications-and-delivery.md).

    Recorded ``pending`` under the unique key, committed ``sending`` before the send, ``sent`` after;
    ``failed`` (with the reason) when the server refused it or the attempts ran out; ``skipped`` when
    the recipient may not see the subject, never signed in, or turned the kind off. A row with no
    recipient (``recipient_key`` empty) records a reminder that reached nobody.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail and in-app")
        DIGEST = "digest", _("In-app, e-mail in a digest")
        INAPP = "inapp", _("In-app only")
        NONE = "none", _("Nobody")

    kind = models.CharField(max_length=100)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # "user:<id>" for an account, "email:<address>" for an invitee without one, "" for nobody.
    recipient_key = models.CharField(max_length=300)
    address = models.CharField(max_length=254, blank=True)
    due_key = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "recipient_key", "due_key"], name="core_delivery_once"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "updated_at"], name="core_delivery_state_idx"),
            models.Index(fields=["kind", "-created_at"], name="core_delivery_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.subject_id} → {self.recipient_key or 'nobody'} ({self.due_key}): {self.state}"


class JobRun(models.Model):
    """The last runs of each periodic job, for the operations page: when, how long, what it did."""

    job = models.CharField(max_length=100)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="core_jobrun_job_idx")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.started_at:%Y-%m-%d %H:%M}"


class GranteeKind(models.TextChoices):
    """Who a grant is made to. An organisation or a committee means its *current* members."""

    USER = "user", _("person (a named user)")
    ORGANISATION = "organisation", _("organisation (its current members)")
    COMMITTEE = "committee", _("committee (its current members)")


class ObjectGrant(models.Model):
    """An explicit grant of ``permission`` on one object to a grantee (abstract).

    Each app keeps a concrete subclass with a direct foreign key ``target`` to its model (guardian's
    direct-foreign-key advice: one indexed join, no generic relation), for example::

        class ActionGrant(ObjectGrant):
            target = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="grants")

    Grants are written only through ``core.grants.grant_create`` / ``grant_revoke`` (audited, with who
    and why) and read through ``core.grants.granted_q``; a revoke or an expiry takes effect on the
    next request because the rule reads the table each time.
    """

    permission = models.CharField(_("permission"), max_length=32)
    grantee_kind = models.CharField(_("grantee kind"), max_length=16, choices=GranteeKind.choices)
    grantee_id = models.PositiveBigIntegerField(_("grantee"))
    reason = models.TextField(_("reason"), max_length=2000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.permission} to {self.grantee_kind} #{self.grantee_id}"

    @property
    def is_active(self) -> bool:
        from django.utils import timezone

        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class WorkerHeartbeat(models.Model):
    """Last time a background worker ran its periodic heartbeat; read by /healthz."""

    name = models.CharField(max_length=100, unique=True)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"

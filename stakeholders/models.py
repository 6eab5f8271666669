"""Who is who: jurisdictions, sectors, organisations, and the roles people hold in them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import ObjectGrant


class CodeField(models.CharField):
    """A code, stored trimmed and in capitals whichever way it was typed."""

    def to_python(self, value: object) -> str | None:
        text = super().to_python(value)
        return text.strip().upper() if isinstance(text, str) else None


class Jurisdiction(models.Model):
    """A node of the administrative tree: national > province/county > district > city > ward."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Province / county")
        DISTRICT = "district", _("District")
        CITY = "city", _("City / municipality")
        WARD = "ward", _("Ward / neighbourhood")

    LEVEL_RANK = {Level.NATIONAL: 0, Level.PROVINCE: 1, Level.DISTRICT: 2, Level.CITY: 3, Level.WARD: 4}

    name = models.CharField(_("name"), max_length=200)
    code = CodeField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9][A-Z0-9._-]*$", _("Use capital letters, digits, '.', '_' or '-'."))],
        help_text=_("A short unique code, such as an ISO 3166-2 code: BD-39, MK-KU, KE-30."),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    # Materialised path of primary keys, "/1/7/42/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("An IANA zone such as Europe/Skopje; blank: the zone of the jurisdiction it is part of."),
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:jurisdiction-detail", args=[self.pk])

    def effective_time_zone(self) -> str:
        """Its own zone, else the nearest ancestor's, else the site's (one query at most)."""
        if self.time_zone:
            return self.time_zone
        ids = [int(part) for part in self.path.strip("/").split("/") if part.isdigit() and int(part) != self.pk]
        zone = (
            Jurisdiction.objects.filter(pk__in=ids)
            .exclude(time_zone="")
            .order_by("-depth")
            .values_list("time_zone", flat=True)
            .first()
            if ids
            else None
        )
        return zone or settings.TIME_ZONE

    def clean(self) -> None:
        if self.time_zone:
            from core.timezones import validate_time_zone

            validate_time_zone(self.time_zone, field="time_zone")
        if self.parent_id is None:
            return
        parent = self.parent
        assert parent is not None
        if self.pk and (parent.pk == self.pk or parent.path.startswith(self.path)):
            raise ValidationError({"parent": _("A jurisdiction cannot be part of itself or of one of its own parts.")})
        if self.level and self.LEVEL_RANK[self.Level(self.level)] <= self.LEVEL_RANK[self.Level(parent.level)]:
            raise ValidationError(
                {
                    "level": _("A %(level)s cannot be part of a %(parent)s.")
                    % {"level": self.get_level_display().lower(), "parent": parent.get_level_display().lower()}
                }
            )


class Sector(models.Model):
    """A field of work. Security sectors (police, justice...) are flagged to watch the balance."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    is_security = models.BooleanField(
        _("security sector"), default=False, help_text=_("Police, justice, intelligence, military, prisons.")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the seed's generic sector names are in the catalogue
        (``stakeholders.demo.SECTORS``, marked with gettext_noop); a name added later shows as written."""
        return gettext(self.name) if self.name else ""


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government office or agency")
        LAW_ENFORCEMENT = "law_enforcement", _("Police or law enforcement")
        HEALTH = "health", _("Health service")
        EDUCATION = "education", _("School, college or university")
        SOCIAL = "social", _("Social services")
        YOUTH = "youth", _("Youth organisation")
        WOMEN = "women", _("Women's organisation")
        FAITH = "faith", _("Faith-based organisation")
        CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
        COMMUNITY = "community", _("Community group")
        PRIVATE = "private", _("Company")
        MEDIA = "media", _("Media")
        INTERNATIONAL = "international", _("International organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="organisations")
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    email = models.EmailField(_("general email"), blank=True)
    phone = models.CharField(_("general phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "jurisdiction",
                name="stakeholders_org_name_per_jurisdiction",
                violation_error_message=_("An organisation with this name already exists in this jurisdiction."),
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "is_active"], name="stakeholders_org_jur_idx"),
            # The directory's default order: its first page is read from this index.
            models.Index(fields=["name", "id"], name="stakeholders_org_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:organisation-detail", args=[self.pk])

    def clean(self) -> None:
        if self.parent_id and self.pk:
            seen = {self.pk}
            node: Organisation | None = self.parent
            while node is not None:
                if node.pk in seen:
                    raise ValidationError({"parent": _("An organisation cannot be its own parent or ancestor.")})
                seen.add(node.pk)
                node = node.parent


class OrganisationMembership(models.Model):
    """A login that belongs to an organisation, as its admin or as a member."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation admin")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="stakeholders_one_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class JurisdictionRole(models.Model):
    """A role over a jurisdiction and everything below it."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        LIAISON = "liaison", _("National or provincial liaison")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jurisdiction_roles")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "jurisdiction", "role"], name="stakeholders_one_jurisdiction_role")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} of {self.jurisdiction}"


class OrganisationGrant(ObjectGrant):
    """An explicit grant on one organisation (see ``core.models.ObjectGrant``): ``view`` lets the
    grantee see an inactive organisation, ``change`` lets them edit it. Written only through
    ``stakeholders.services.organisation_grant`` / ``organisation_revoke`` (audited, with a reason)."""

    VIEW = "view"
    CHANGE = "change"
    PERMISSIONS = (VIEW, CHANGE)

    target = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="grants")

    class Meta:
        verbose_name = _("organisation grant")
        verbose_name_plural = _("organisation grants")
        indexes = [
            # A user's grants in one index-only range scan (rules read them as ``pk IN (target_id...)``).
            models.Index(
                fields=["grantee_kind", "grantee_id", "permission", "target"],
                include=["expires_at"],
                condition=models.Q(revoked_at__isnull=True),
                name="stakeholders_orggrant_live_idx",
            ),
        ]


class PersonGrant(ObjectGrant):
    """An explicit grant on one directory entry (see ``core.models.ObjectGrant``): ``view`` lets the
    grantee see that the person exists (name, positions; never contact details, which follow their
    own rule). Written only through ``stakeholders.services.person_grant`` / ``person_revoke``."""

    VIEW = "view"
    PERMISSIONS = (VIEW,)

    target = models.ForeignKey("stakeholders.Person", on_delete=models.CASCADE, related_name="grants")

    class Meta:
        verbose_name = _("person grant")
        verbose_name_plural = _("person grants")
        indexes = [
            models.Index(
                fields=["grantee_kind", "grantee_id", "permission", "target"],
                include=["expires_at"],
                condition=models.Q(revoked_at__isnull=True),
                name="stakeholders_persongrant_idx",
            ),
        ]


class Person(models.Model):
    """Someone who matters to the network, with or without a login.

    Contact details and demographics are personal data: they are shown only where
    ``stakeholders.permissions`` allows, and demographics are used (composition analytics) only
    when the person consented to record them (``demographics_consent_at``).
    """

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        SELF_DESCRIBED = "self_described", _("Self-described")

    full_name = models.CharField(_("full name"), max_length=200)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True, help_text=_("Comma-separated."))
    expertise = models.TextField(_("expertise"), blank=True, max_length=2000)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("registered in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("The jurisdiction whose registry keeps this record."),
    )
    contact_consent_at = models.DateTimeField(_("consent to hold contact details given"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True)
    is_youth = models.BooleanField(_("youth"), null=True, blank=True)
    demographics_consent_at = models.DateTimeField(
        _("consent to record gender and age group given"), null=True, blank=True
    )
    #: Stored public-directory visibility (a current position in an active organisation), kept in
    #: step by ``stakeholders.directory``; never edited by hand.
    in_directory = models.BooleanField(default=False, editable=False)
    listed_until = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # The people list's order: its first page is read from this index.
            models.Index(fields=["full_name", "id"], name="stakeholders_person_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:person-detail", args=[self.pk])

    def clean(self) -> None:
        if (self.email or self.phone) and self.contact_consent_at is None:
            raise ValidationError(
                {
                    "contact_consent_at": _(
                        "Contact details may only be recorded once the person has consented: "
                        "record the date of consent."
                    )
                }
            )
        if (self.gender or self.is_youth is not None) and self.demographics_consent_at is None:
            raise ValidationError(
                {
                    "demographics_consent_at": _(
                        "Gender and age group may only be recorded with the person's consent: "
                        "record the date of consent."
                    )
                }
            )


class Position(models.Model):
    """A person's position in an organisation (title, from/to)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("position")
        indexes = [models.Index(fields=["organisation", "end_date"], name="stakeholders_pos_org_idx")]
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="stakeholders_position_dates_in_order",
                violation_error_message=_("A position cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.title}, {self.organisation}"

    @property
    def is_current(self) -> bool:
        """In force today (``core.permissions.is_in_force``, the one definition of "current")."""
        from core.permissions import is_in_force

        return is_in_force(self.start_date, self.end_date)


class Partnership(models.Model):
    """A working relationship between two organisations (an MoU, a referral pathway...).

    For directed kinds (a referral pathway) ``organisation`` refers to ``partner``.
    """

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        REFERRAL = "referral", _("Referral pathway")
        JOINT_PROGRAMME = "joint_programme", _("Joint programme")
        FUNDING = "funding", _("Funding or sponsorship")
        SECONDMENT = "secondment", _("Secondment or staff exchange")
        INFORMAL = "informal", _("Informal cooperation")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="partnerships_out"
    )
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="partnerships_in"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "partner__name", "id"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("partner")),
                name="stakeholders_partnership_two_organisations",
                violation_error_message=_("An organisation cannot be its own partner."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="stakeholders_partnership_dates_in_order",
                violation_error_message=_("A partnership cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "partner", "kind"],
                name="stakeholders_one_partnership_per_kind",
                violation_error_message=_("These organisations already have a partnership of this kind."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} – {self.partner.name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:partnership-update", args=[self.pk])

    @property
    def is_directed(self) -> bool:
        return self.kind == self.Kind.REFERRAL


class StakeholderMapping(models.Model):
    """How an organisation stands in one jurisdiction's stakeholder map (the coordinators' judgement)."""

    class Engagement(models.IntegerChoices):
        INFORM = 1, _("Inform")
        CONSULT = 2, _("Consult")
        INVOLVE = 3, _("Involve")
        COLLABORATE = 4, _("Collaborate")
        EMPOWER = 5, _("Empower")

    SCALE = [(i, str(i)) for i in range(1, 6)]

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.CASCADE, related_name="stakeholder_mappings"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="mappings"
    )
    # A 1-5 scale by validators rather than choices: one number, not an enumeration, in the API schema.
    influence = models.PositiveSmallIntegerField(
        _("influence"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (little) to 5 (decisive) power over prevention outcomes."),
    )
    interest = models.PositiveSmallIntegerField(
        _("interest"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (little) to 5 (very high) interest in prevention."),
    )
    engagement_level = models.PositiveSmallIntegerField(_("engagement level"), choices=Engagement.choices)
    prevention_primary = models.BooleanField(
        _("primary prevention"), default=False, help_text=_("Whole communities, before any sign of risk.")
    )
    prevention_secondary = models.BooleanField(
        _("secondary prevention"), default=False, help_text=_("People showing early signs of risk.")
    )
    prevention_tertiary = models.BooleanField(
        _("tertiary prevention"), default=False, help_text=_("Disengagement, rehabilitation and reintegration.")
    )
    services_offered = models.TextField(_("services offered"), blank=True, max_length=2000)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction__path", "organisation__name", "id"]
        verbose_name = _("stakeholder mapping")
        verbose_name_plural = _("stakeholder mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "organisation"],
                name="stakeholders_one_mapping_per_jurisdiction",
                violation_error_message=_("This organisation is already mapped in this jurisdiction."),
            ),
            models.CheckConstraint(
                condition=models.Q(influence__gte=1, influence__lte=5, interest__gte=1, interest__lte=5),
                name="stakeholders_mapping_scale_1_to_5",
                violation_error_message=_("Influence and interest go from 1 to 5."),
            ),
        ]
        indexes = [models.Index(fields=["jurisdiction", "engagement_level"], name="stakeholders_map_jur_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.jurisdiction}"

    def clean(self) -> None:
        if self.jurisdiction_id is None or self.organisation_id is None:
            return
        here = self.jurisdiction.path
        there = self.organisation.jurisdiction.path
        if not (there.startswith(here) or here.startswith(there)):
            raise ValidationError(
                {
                    "organisation": _(
                        "Only organisations of this jurisdiction, of its parts or of the jurisdictions above it can be "
                        "mapped here."
                    )
                }
            )

    @property
    def prevention_levels(self) -> list[str]:
        return [
            str(label)
            for flag, label in (
                (self.prevention_primary, _("primary")),
                (self.prevention_secondary, _("secondary")),
                (self.prevention_tertiary, _("tertiary")),
            )
            if flag
        ]


class ResourceOffer(models.Model):
    """What an organisation (often a company) offers the prevention network: the private sector as a
    resource partner."""

    class Kind(models.TextChoices):
        MONEY = "money", _("Money")
        STAFF_TIME = "staff_time", _("Staff time")
        MATERIAL = "material", _("Material")
        FACILITIES = "facilities", _("Facilities")
        EXPERTISE = "expertise", _("Expertise")
        TRAINING_PLACES = "training_places", _("Training places")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        AGREED = "agreed", _("Agreed")
        DELIVERED = "delivered", _("Delivered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("offered by"), on_delete=models.CASCADE, related_name="resource_offers"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("offered to (jurisdiction)"),
        on_delete=models.PROTECT,
        related_name="resource_offers",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    quantity = models.PositiveIntegerField(
        _("quantity"), null=True, blank=True, help_text=_("Places, hours, items... as the unit says.")
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("For example: places, hours, rooms."))
    value = models.DecimalField(
        _("estimated value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code, such as USD or BDT."))],
    )
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("resource offer")
        verbose_name_plural = _("resource offers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="stakeholders_offer_dates_in_order",
                violation_error_message=_("An offer cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["jurisdiction", "status"], name="stakeholders_offer_jur_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation.name})"

    def clean(self) -> None:
        if self.value is not None and not self.currency:
            raise ValidationError({"currency": _("Give the currency of the value.")})


class ImportBatch(models.Model):
    """An uploaded file between its preview and its commit: the parsed rows are kept here, server-side,
    owned by the uploader, never in the session."""

    class Kind(models.TextChoices):
        ORGANISATIONS = "organisations", _("Organisations")
        PEOPLE = "people", _("People")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        COMMITTED = "committed", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what the file holds"), max_length=16, choices=Kind.choices)
    filename = models.CharField(_("file"), max_length=255)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows = models.JSONField(default=list, help_text="The parsed rows: [{'line': n, 'values': {column: text}}].")
    errors = models.JSONField(default=list, help_text="[{'line': n, 'column': name, 'message': text}].")
    notices = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("stakeholders:import-preview", args=[self.pk])


class LoginLinkInvitation(models.Model):
    """An invitation, sent to the e-mail address on a person's record, to link a login to it.

    A login link is a grant (the login reads and edits what the record may), so nobody but a
    platform admin sets it directly: whoever may change the record sends this invitation, and the
    link is made only when the holder of that e-mail address accepts (signed in with that address,
    or opening an account with it). Only a hash of the token is kept.
    """

    VALID_FOR_DAYS = 7

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="login_invitations")
    email = models.EmailField(_("sent to"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("login invitation")
        verbose_name_plural = _("login invitations")

    def __str__(self) -> str:
        return f"Login invitation for {self.person} ({self.created_at:%Y-%m-%d})"

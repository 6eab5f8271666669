from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import VisibleModelSerializer, VisibleRelatedField
from stakeholders.models import (
    Jurisdiction,
    Organisation,
    Partnership,
    Person,
    Position,
    ResourceOffer,
    Sector,
    StakeholderMapping,
)


class JurisdictionSerializer(VisibleModelSerializer):
    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "code", "level", "parent", "population", "depth", "path"]
        read_only_fields = ["depth", "path"]


class SectorSerializer(VisibleModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "name", "code", "is_security", "description"]


class OrganisationSerializer(VisibleModelSerializer):
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    can_change = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "acronym",
            "kind",
            "sector",
            "sector_name",
            "jurisdiction",
            "jurisdiction_name",
            "parent",
            "description",
            "email",
            "phone",
            "website",
            "address",
            "is_active",
            "created_at",
            "updated_at",
            "can_change",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness and cycles are validated once, by the model, inside the service.
        validators: list[object] = []


class PositionSerializer(VisibleModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = Position
        fields = ["id", "person", "person_name", "organisation", "organisation_name", "title", "start_date", "end_date"]
        validators: list[object] = []


class PositionUpdateSerializer(PositionSerializer):
    """Who holds a position and where does not change; title and dates do."""

    class Meta(PositionSerializer.Meta):
        read_only_fields = ["person", "organisation"]


class PersonPositionSerializer(VisibleModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Position
        fields = ["id", "organisation", "organisation_name", "title", "start_date", "end_date"]


class PersonSerializer(VisibleModelSerializer):
    """A person. Contact details, the login link and demographics are personal data: they are ``null``
    unless the caller has a need (``contact_visible``, the rule in ``stakeholders.permissions``)."""

    PERSONAL_FIELDS = ("email", "phone", "contact_consent_at", "user", "gender", "is_youth", "demographics_consent_at")

    # email, phone and gender are masked to null for callers without a need (so the schema says
    # nullable); on input, null means blank (none on record).
    positions = PersonPositionSerializer(source="visible_positions", many=True, read_only=True, default=list)
    contact_visible = serializers.BooleanField(read_only=True, default=False)
    can_change = serializers.BooleanField(read_only=True, default=False)
    organisation = VisibleRelatedField(
        model=Organisation,
        write_only=True,
        required=False,
        allow_null=True,
        help_text=_("On creation: the organisation of the person's first position."),
    )
    title = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("On creation: the title of the first position."),
    )
    start_date = serializers.DateField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "full_name",
            "pronouns",
            "languages",
            "expertise",
            "jurisdiction",
            "email",
            "phone",
            "contact_consent_at",
            "user",
            "gender",
            "is_youth",
            "demographics_consent_at",
            "positions",
            "contact_visible",
            "can_change",
            "created_at",
            "updated_at",
            "organisation",
            "title",
            "start_date",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # "person with this login already exists" would tell whose login is linked: the service
        # decides (only platform admins link logins) and answers without naming anyone.
        extra_kwargs: dict[str, dict[str, object]] = {
            "user": {"validators": []},
            **{name: {"allow_null": True} for name in ("email", "phone", "gender")},
        }
        validators: list[object] = []

    def validate_email(self, value: str | None) -> str:
        return value or ""

    def validate_phone(self, value: str | None) -> str:
        return value or ""

    def validate_gender(self, value: str | None) -> str:
        return value or ""

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not getattr(instance, "contact_visible", False):
            for name in self.PERSONAL_FIELDS:
                data[name] = None
        return data


class PartnershipSerializer(VisibleModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    can_change = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "partner",
            "partner_name",
            "kind",
            "start_date",
            "end_date",
            "notes",
            "can_change",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list[object] = []


class StakeholderMappingSerializer(VisibleModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    engagement_level_display = serializers.CharField(source="get_engagement_level_display", read_only=True)
    can_change = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = StakeholderMapping
        fields = [
            "id",
            "jurisdiction",
            "organisation",
            "organisation_name",
            "influence",
            "interest",
            "engagement_level",
            "engagement_level_display",
            "prevention_primary",
            "prevention_secondary",
            "prevention_tertiary",
            "services_offered",
            "notes",
            "can_change",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list[object] = []


class ResourceOfferSerializer(VisibleModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    can_change = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = ResourceOffer
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "jurisdiction",
            "kind",
            "title",
            "description",
            "quantity",
            "unit",
            "value",
            "currency",
            "start_date",
            "end_date",
            "status",
            "can_change",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"jurisdiction": {"required": False}}
        validators: list[object] = []

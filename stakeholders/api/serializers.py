from __future__ import annotations

from rest_framework import serializers

from stakeholders.models import Jurisdiction, Organisation, Sector


class JurisdictionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "code", "level", "parent", "population", "depth", "path"]
        read_only_fields = ["depth", "path"]


class SectorSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Sector
        fields = ["id", "name", "code", "is_security", "description"]


class OrganisationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    can_change = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Organisation
        fields = [
            "id", "name", "acronym", "kind", "sector", "sector_name", "jurisdiction", "jurisdiction_name", "parent",
            "description", "email", "phone", "website", "address", "is_active", "created_at", "updated_at",
            "can_change",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness and cycles are validated once, by the model, inside the service.
        validators: list[object] = []

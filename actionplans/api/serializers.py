"""Serializers of the action-plan API. Every writable foreign key is narrowed to what the caller may
see (``VisibleModelSerializer``); validation that spans fields runs once, in the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from actionplans.models import Action, ActionPartner, ActionPlan, Framework, Indicator, Pillar, ProgressUpdate
from core.api.fields import VisibleModelSerializer, VisibleRelatedField
from stakeholders.models import Jurisdiction, Organisation


class PlanSerializer(VisibleModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    can_manage = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "title",
            "summary",
            "jurisdiction",
            "jurisdiction_name",
            "owning_committee",
            "framework",
            "parent",
            "period_start",
            "period_end",
            "status",
            "rag_amber_below",
            "rag_red_below",
            "local_only",
            "iati_identifier",
            "approved_version",
            "version",
            "can_manage",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "approved_version", "version", "created_at", "updated_at"]
        validators: list[object] = []


class PartnerSerializer(serializers.Serializer):
    organisation = VisibleRelatedField(model=Organisation)
    role = serializers.ChoiceField(choices=ActionPartner.Role.choices)


class ActionSerializer(VisibleModelSerializer):
    partners = PartnerSerializer(many=True, required=False, write_only=True)
    rag = serializers.SerializerMethodField()
    lead_organisation_name = serializers.CharField(source="lead_organisation.name", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "plan",
            "objective",
            "title",
            "description",
            "kind",
            "lead_organisation",
            "lead_organisation_name",
            "partners",
            "owner",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "status",
            "progress",
            "progress_as_of",
            "weight",
            "rag",
            "rag_override",
            "rag_override_reason",
            "budget",
            "currency",
            "local_only",
            "decision",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["progress", "progress_as_of", "decision", "version", "created_at", "updated_at"]
        validators: list[object] = []

    def get_rag(self, obj: Action) -> str | None:
        from actionplans.selectors import action_rag

        return action_rag(obj)

    def to_representation(self, instance: Action) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        data["partners"] = [{"organisation": p.organisation_id, "role": p.role} for p in instance.partners.all()]
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "plan" in attrs and attrs["plan"] != self.instance.plan:
            raise serializers.ValidationError({"plan": [_("An action cannot move to another plan.")]})
        return attrs


class IndicatorSerializer(VisibleModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "objective",
            "action",
            "code",
            "name",
            "measure",
            "unit",
            "direction",
            "cumulative",
            "aggregation",
            "baseline_date",
            "baseline_value",
            "means_of_verification",
            "parent",
            "weight",
            "local_only",
            "version",
        ]
        read_only_fields = ["version"]
        validators: list[object] = []


class EvidenceOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class ProgressUpdateSerializer(VisibleModelSerializer):
    evidence = EvidenceOutSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "action",
            "indicator",
            "plan",
            "organisation",
            "period_start",
            "period_end",
            "narrative",
            "progress",
            "value",
            "numerator",
            "denominator",
            "text_value",
            "evidence_link",
            "evidence",
            "status",
            "review_note",
            "submitted_at",
            "reviewed_at",
            "version",
        ]
        read_only_fields = [
            "plan",
            "organisation",
            "status",
            "review_note",
            "submitted_at",
            "reviewed_at",
            "version",
        ]
        validators: list[object] = []
        extra_kwargs = {"action": {"required": False}, "indicator": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and ({"action", "indicator"} & set(attrs)):
            raise serializers.ValidationError({"action": [_("The subject of an update cannot change.")]})
        return attrs


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class SubmitSerializer(serializers.Serializer):
    pass


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(max_length=255, allow_empty_file=False)


class DisburseSerializer(serializers.Serializer):
    tranche = serializers.IntegerField()
    disbursed_on = serializers.DateField(required=False)


class ActionShareSerializer(serializers.Serializer):
    """Share one action with an organisation, a committee or a person (``grantee_kind`` and id)."""

    grantee_kind = serializers.ChoiceField(choices=["organisation", "committee", "user"])
    grantee_id = serializers.IntegerField(min_value=1)
    permission = serializers.ChoiceField(choices=["view", "report"])
    reason = serializers.CharField(max_length=2000)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class GrantOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    grantee_kind = serializers.CharField()
    grantee_id = serializers.IntegerField()
    grantee_name = serializers.CharField()
    permission = serializers.CharField()
    reason = serializers.CharField()
    granted_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- frameworks ------------------------------------------------------------------------------


class PillarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pillar
        fields = ["id", "code", "name", "order"]
        read_only_fields = fields


class FrameworkSerializer(serializers.ModelSerializer):
    """A framework version with its pillars in order; ``plan_count`` counts the plans under it that
    the caller may see; ``in_use`` says whether any plan follows it (its pillars are then fixed)."""

    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    pillars = PillarSerializer(many=True, read_only=True)
    next_version = serializers.IntegerField(source="next_version_id", read_only=True, allow_null=True, default=None)
    plan_count = serializers.IntegerField(read_only=True, default=0)
    in_use = serializers.BooleanField(read_only=True, default=False)
    can_manage = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Framework
        fields = [
            "id",
            "name",
            "version",
            "jurisdiction",
            "jurisdiction_name",
            "adopted_on",
            "supersedes",
            "next_version",
            "pillars",
            "plan_count",
            "in_use",
            "can_manage",
            "created_at",
        ]
        read_only_fields = fields


class PillarInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)


class FrameworkCreateSerializer(serializers.Serializer):
    """Adopt a framework: its name, the jurisdiction adopting it, the date and the pillars in order."""

    name = serializers.CharField(max_length=200)
    jurisdiction = VisibleRelatedField(model=Jurisdiction)
    adopted_on = serializers.DateField(required=False, allow_null=True)
    pillars = PillarInSerializer(many=True)


class FrameworkReviseSerializer(serializers.Serializer):
    """A new version: its adoption date, and its pillars (by default a copy of the current ones)."""

    adopted_on = serializers.DateField(required=False, allow_null=True)
    pillars = PillarInSerializer(many=True, required=False)


class FrameworkUpdateSerializer(serializers.Serializer):
    """A correction of a version no plan follows yet: what is sent replaces what is there (the
    pillars as a whole list, in order, matched by code); what is left out stays as it is."""

    adopted_on = serializers.DateField(required=False, allow_null=True)
    pillars = PillarInSerializer(many=True, required=False)

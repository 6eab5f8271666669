"""Serializers of information sharing. Related fields are narrowed (``VisibleModelSerializer``): an
id the caller may not see answers like one that does not exist. Content fields of an item are
empty until the caller has acknowledged the agreement (``acknowledgement_required`` says which)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import VisibleModelSerializer, VisibleRelatedField
from core.models import GranteeKind
from infosharing import selectors
from infosharing.models import (
    TLP,
    AccessLog,
    AccessRequest,
    AgreementParty,
    AgreementSignatory,
    InformationItem,
    SharingAgreement,
    Template,
)
from stakeholders.models import Organisation


class PartySerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = AgreementParty
        fields = ["organisation", "organisation_name", "role"]
        read_only_fields = ["organisation"]


class SignatorySerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementSignatory
        fields = ["organisation", "name", "position", "signed_on"]
        read_only_fields = fields


class SharingAgreementSerializer(VisibleModelSerializer):
    parties = PartySerializer(many=True, read_only=True)
    signatories = SignatorySerializer(many=True, read_only=True)
    client_committees: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    allows_new_sharing = serializers.SerializerMethodField()

    class Meta:
        model = SharingAgreement
        fields = [
            "id",
            "title",
            "purpose",
            "summary",
            "categories",
            "lawful_basis",
            "special_category",
            "criminal_offence",
            "special_condition",
            "retention_days",
            "disposal",
            "security_measures",
            "rights_handling",
            "primary_user_roles",
            "max_tlp",
            "training_required",
            "release_approval_required",
            "review_interval_months",
            "next_review",
            "ends_on",
            "status",
            "parties",
            "client_committees",
            "signatories",
            "allows_new_sharing",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]

    def get_allows_new_sharing(self, obj: SharingAgreement) -> bool:
        return obj.allows_new_sharing()


class AgreementCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=5000)
    summary = serializers.CharField(max_length=3000)
    categories = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=False)
    lawful_basis = serializers.ChoiceField(choices=SharingAgreement.LawfulBasis.choices)
    # ids beyond a 64-bit integer are refused here (400), not by the database (500)
    parties = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), allow_empty=False)
    disposal = serializers.CharField(max_length=2000)
    security_measures = serializers.CharField(max_length=3000)
    rights_handling = serializers.CharField(max_length=3000)
    primary_user_roles = serializers.CharField(max_length=2000)
    next_review = serializers.DateField()
    max_tlp = serializers.ChoiceField(choices=TLP.choices, default=TLP.AMBER)
    special_category = serializers.BooleanField(default=False)
    criminal_offence = serializers.BooleanField(default=False)
    special_condition = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    retention_days = serializers.IntegerField(min_value=1, max_value=100 * 366, default=365)
    training_required = serializers.BooleanField(default=False)
    release_approval_required = serializers.BooleanField(default=False)

    def validate_parties(self, value: list[int]) -> list[tuple[Organisation, str]]:
        from stakeholders.permissions import organisations_visible

        user = self.context["request"].user
        orgs = {o.pk: o for o in organisations_visible(user).filter(pk__in=value)}
        if len(orgs) != len(set(value)):
            raise serializers.ValidationError(_("Invalid pk - object does not exist."))
        return [(orgs[pk], AgreementParty.Role.BOTH) for pk in value]


class AgreementUpdateSerializer(serializers.Serializer):
    """A partial change of the terms. ``version`` is the ``updated_at`` read (a change made
    meanwhile is refused); ``reason`` is required once the agreement is in force; ``resign``
    confirms that a material change returns it to draft for every party to sign again."""

    version = serializers.DateTimeField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    resign = serializers.BooleanField(default=False)
    title = serializers.CharField(max_length=200, required=False)
    purpose = serializers.CharField(max_length=5000, required=False)
    summary = serializers.CharField(max_length=3000, required=False)
    categories = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    lawful_basis = serializers.ChoiceField(choices=SharingAgreement.LawfulBasis.choices, required=False)
    parties = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, allow_empty=False
    )
    client_committees = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False
    )
    disposal = serializers.CharField(max_length=2000, required=False)
    security_measures = serializers.CharField(max_length=3000, required=False)
    rights_handling = serializers.CharField(max_length=3000, required=False)
    primary_user_roles = serializers.CharField(max_length=2000, required=False)
    next_review = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    max_tlp = serializers.ChoiceField(choices=TLP.choices, required=False)
    special_category = serializers.BooleanField(required=False)
    criminal_offence = serializers.BooleanField(required=False)
    special_condition = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    retention_days = serializers.IntegerField(min_value=1, max_value=100 * 366, required=False)
    review_interval_months = serializers.IntegerField(min_value=1, max_value=120, required=False)
    training_required = serializers.BooleanField(required=False)
    release_approval_required = serializers.BooleanField(required=False)

    def validate_parties(self, value: list[int]) -> list[tuple[Organisation, str]]:
        from stakeholders.permissions import organisations_visible

        agreement: SharingAgreement = self.context["agreement"]
        roles = dict(agreement.parties.values_list("organisation_id", "role"))
        user = self.context["request"].user
        found = (organisations_visible(user) | Organisation.objects.filter(pk__in=list(roles))).filter(pk__in=value)
        orgs = {o.pk: o for o in found.distinct()}
        if len(orgs) != len(set(value)):
            raise serializers.ValidationError(_("Invalid pk - object does not exist."))
        return [(orgs[pk], roles.get(pk, AgreementParty.Role.BOTH)) for pk in value]

    def validate_client_committees(self, value: list[int]) -> list[Any]:
        from coordination.models import Committee
        from coordination.permissions import committees_visible

        agreement: SharingAgreement = self.context["agreement"]
        current = list(agreement.client_committees.values_list("pk", flat=True))
        user = self.context["request"].user
        found = (committees_visible(user) | Committee.objects.filter(pk__in=current)).filter(pk__in=value).distinct()
        committees = list(found)
        if len(committees) != len(set(value)):
            raise serializers.ValidationError(_("Invalid pk - object does not exist."))
        return committees

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.validated_data.items() if k not in ("version", "reason", "resign")}


class SignSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    name = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    signed_on = serializers.DateField()

    def validate_organisation(self, value: int) -> Organisation:
        agreement: SharingAgreement = self.context["agreement"]
        org = Organisation.objects.filter(pk=value, sharing_parties__agreement=agreement).first()
        if org is None:
            raise serializers.ValidationError(_("Only a party to the agreement signs it."))
        return org


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Template
        fields = ["id", "name", "description", "fields", "is_active"]


class InformationItemSerializer(VisibleModelSerializer):
    """The item as its reader sees it; content only past the acknowledge step."""

    label_display = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    acknowledgement_required = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()
    agreement = VisibleRelatedField(model=SharingAgreement, read_only=True)
    template = VisibleRelatedField(model=Template, read_only=True)

    class Meta:
        model = InformationItem
        fields = [
            "id",
            "reference",
            "label",
            "label_display",
            "category",
            "organisation",
            "organisation_name",
            "agreement",
            "template",
            "retention_until",
            "review_on",
            "created_at",
            "acknowledgement_required",
            "content",
        ]
        read_only_fields = fields

    def _gate(self, obj: InformationItem) -> Any:
        cache: dict[int, Any] = self.__dict__.setdefault("_gate_cache", {})
        if obj.pk not in cache:
            cache[obj.pk] = selectors.content_gate(self.context["request"].user, obj)
        return cache[obj.pk]

    def get_acknowledgement_required(self, obj: InformationItem) -> int | None:
        gate = self._gate(obj)
        return gate.pk if gate is not None else None

    def get_content(self, obj: InformationItem) -> dict[str, Any] | None:
        if not self.context.get("with_content") or self._gate(obj) is not None:
            return None
        return {"title": obj.title, "values": obj.values, "facts": obj.facts, "opinion": obj.opinion}


class InformationItemListSerializer(InformationItemSerializer):
    """Lists carry the title (what the reader may open) but never the content."""

    title = serializers.CharField(read_only=True)

    class Meta(InformationItemSerializer.Meta):
        fields = [
            f for f in InformationItemSerializer.Meta.fields if f not in ("content", "acknowledgement_required")
        ] + ["title"]
        read_only_fields = fields


class ItemCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    organisation = serializers.IntegerField()
    category = serializers.CharField(max_length=100)
    label = serializers.ChoiceField(choices=TLP.choices, required=False, allow_blank=True, default="")  # type: ignore[assignment]
    template = VisibleRelatedField(model=Template, required=False, allow_null=True, default=None)
    agreement = VisibleRelatedField(model=SharingAgreement, required=False, allow_null=True, default=None)
    values = serializers.DictField(required=False, default=dict)
    facts = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    opinion = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    retention_until = serializers.DateField(required=False, allow_null=True, default=None)
    review_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_organisation(self, value: int) -> Organisation:
        from infosharing.permissions import roles_of

        r = roles_of(self.context["request"].user)
        org = Organisation.objects.filter(pk=value).first()
        if org is None or r is None or org.pk not in r.organisation_ids:
            raise serializers.ValidationError(_("You share on behalf of an organisation you belong to."))
        return org


class ShareSerializer(serializers.Serializer):
    grantee_kind = serializers.ChoiceField(choices=GranteeKind.choices)
    grantee_id = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)
    confirmed = serializers.BooleanField(default=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    read_only = serializers.BooleanField(default=False)  # type: ignore[assignment]


class RelabelSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=TLP.choices)  # type: ignore[assignment]
    reason = serializers.CharField(max_length=2000)


class AccessLogSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    organisation_name = serializers.CharField(source="actor_organisation.name", read_only=True, default=None)

    class Meta:
        model = AccessLog
        fields = [
            "id",
            "event",
            "at",
            "actor",
            "actor_name",
            "actor_organisation",
            "organisation_name",
            "reason",
            "recipients",
            "detail",
        ]
        read_only_fields = fields

    def get_actor_name(self, obj: AccessLog) -> str | None:
        return str(obj.actor.public_name) if obj.actor else None


class AccessRequestSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="item.reference", read_only=True)

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "reference",
            "item",
            "requester",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "expires_at",
            "read_only",
            "created_at",
        ]
        read_only_fields = fields


class AccessRequestAskSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=2000)


class DecideSerializer(serializers.Serializer):
    days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=365, default=None)
    read_only = serializers.BooleanField(default=False)  # type: ignore[assignment]
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# --- Per agreement: who may see what, and why (``GET sharing-agreements/<id>/access/``) ----------


class AccessGrantSerializer(serializers.Serializer):
    """A grant in force or awaiting approval on an item shared under the agreement."""

    id = serializers.IntegerField(source="grant.pk")
    grantee_kind = serializers.CharField(source="grant.grantee_kind")
    grantee_id = serializers.IntegerField(source="grant.grantee_id")
    grantee_name = serializers.CharField()
    permission = serializers.CharField(source="grant.permission")
    reason = serializers.CharField(source="grant.reason")
    granted_by = serializers.SerializerMethodField()
    granted_at = serializers.DateTimeField(source="grant.created_at")
    expires_at = serializers.DateTimeField(source="grant.expires_at", allow_null=True)
    awaiting_approval = serializers.BooleanField()
    approved_by = serializers.SerializerMethodField()
    approved_at = serializers.DateTimeField(source="grant.approved_at", allow_null=True)
    acknowledged_at = serializers.DateTimeField(
        allow_null=True, help_text=_("For a named person: when they acknowledged the agreement (null: not yet).")
    )

    def get_granted_by(self, obj: selectors.GrantShown) -> str | None:
        return str(obj.grant.granted_by.public_name) if obj.grant.granted_by else None

    def get_approved_by(self, obj: selectors.GrantShown) -> str | None:
        return str(obj.grant.approved_by.public_name) if obj.grant.approved_by else None


class AccessItemSerializer(serializers.Serializer):
    """An item the caller administers: metadata only; ``title`` is null when the caller may not open
    the item (``restricted``), and no content is ever given."""

    id = serializers.IntegerField(source="item.pk")
    reference = serializers.CharField(source="item.reference")
    title = serializers.CharField(allow_null=True)
    restricted = serializers.BooleanField()
    label = serializers.CharField(source="item.label")  # type: ignore[assignment]
    label_limits = serializers.SerializerMethodField()
    category = serializers.CharField(source="item.category")
    organisation = serializers.IntegerField(source="item.organisation_id")
    organisation_name = serializers.CharField(source="item.organisation.name")
    originator_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="item.created_at")
    retention_until = serializers.DateField(source="item.retention_until")
    can_revoke = serializers.BooleanField()
    grants = AccessGrantSerializer(many=True)
    more_grants = serializers.BooleanField(help_text=_("More grants than shown: see the item's access log."))

    def get_label_limits(self, obj: selectors.ItemAccess) -> str:
        from infosharing.models import TLP_SHARING_LIMITS

        return str(TLP_SHARING_LIMITS.get(obj.item.label, ""))

    def get_originator_name(self, obj: selectors.ItemAccess) -> str:
        return str(obj.item.originator.public_name)


class AccessAcknowledgementSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.SerializerMethodField()
    acknowledged_at = serializers.DateTimeField()
    training_on = serializers.DateField(allow_null=True, help_text=_("The person's latest training, if any."))
    training_course = serializers.CharField(allow_null=True)

    def get_name(self, obj: Any) -> str:
        return str(obj.user.public_name)


class AgreementAccessSerializer(serializers.Serializer):
    """A keyset page of the items (``?cursor=``, follow ``next``) and one of the acknowledgements
    (``?ack_cursor=``, follow ``acknowledgements_next``); no counts."""

    agreement = serializers.IntegerField()
    training_required = serializers.BooleanField()
    next = serializers.URLField(allow_null=True)
    results = AccessItemSerializer(many=True)
    acknowledgements_next = serializers.URLField(allow_null=True)
    acknowledgements = AccessAcknowledgementSerializer(many=True)

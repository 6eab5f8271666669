from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from rest_framework import serializers

from coordination import selectors
from coordination.models import AgendaItem, Attendance, Committee, CommitteeMembership, Decision, Invitation, Meeting
from core.api.fields import VisibleModelSerializer, VisibleRelatedField
from core.permissions import visible
from stakeholders.models import Person


def _user(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None) or AnonymousUser()


class KnownPersonField(VisibleRelatedField):
    """A person the caller may name: one they see in the registry, or a fellow committee member
    (``selectors.people_for_forms``). Any other id answers like one that does not exist."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model=Person, **kwargs)

    def get_queryset(self) -> QuerySet[Person]:
        return selectors.people_for_forms(_user(self))


class InviteeField(VisibleRelatedField):
    """A person invited to the meeting in the serializer's context (``meeting``), as the caller sees
    the meeting's invitations. Anyone else, visible or not, answers like an id that does not exist:
    no name, no hint that the person exists."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model=Person, **kwargs)

    def get_queryset(self) -> QuerySet[Person]:
        meeting = self.context.get("meeting")
        if meeting is None:
            return Person.objects.none()
        invitations = visible(_user(self), Invitation).filter(meeting=meeting)
        return Person.objects.filter(pk__in=invitations.values("person_id"))


class CommitteeSerializer(VisibleModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    member_count = serializers.IntegerField(read_only=True, default=0)
    next_meeting_at = serializers.DateTimeField(read_only=True, default=None, allow_null=True)
    can_manage = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Committee
        fields = [
            "id",
            "name",
            "acronym",
            "kind",
            "jurisdiction",
            "jurisdiction_name",
            "parent",
            "remit",
            "mandate",
            "mandate_review_date",
            "secretariat",
            "status",
            "quorum_rule",
            "quorum_value",
            "expected_sectors",
            "member_count",
            "next_meeting_at",
            "can_manage",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness and cycles are validated once, by the model, inside the service.
        validators: list[object] = []


class MembershipSerializer(VisibleModelSerializer):
    person = KnownPersonField()
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None)

    class Meta:
        model = CommitteeMembership
        fields = [
            "id",
            "person",
            "person_name",
            "organisation",
            "organisation_name",
            "role",
            "designation",
            "start_date",
            "end_date",
        ]
        validators: list[object] = []


class MeetingSerializer(VisibleModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    recurrence = serializers.SerializerMethodField()  # in every answer, PATCH included ("" without a series)
    can_manage = serializers.BooleanField(read_only=True, default=False)
    can_read_minutes = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "committee_name",
            "series",
            "recurrence",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "is_confidential",
            "status",
            "quorum_met",
            "minutes_approved_at",
            "can_manage",
            "can_read_minutes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "committee",
            "series",
            "status",
            "quorum_met",
            "minutes_approved_at",
            "created_at",
            "updated_at",
        ]

    def get_recurrence(self, meeting: Meeting) -> str:
        return meeting.series.rrule if meeting.series_id is not None and meeting.series is not None else ""


class MeetingScheduleSerializer(VisibleModelSerializer):
    """Input for scheduling: a committee the caller can see, and an optional RFC 5545 RRULE."""

    recurrence = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    class Meta:
        model = Meeting
        fields = [
            "committee",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "is_confidential",
            "recurrence",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs  # model rules (times in order, the rule's end) are checked once, in the service


class AgendaItemSerializer(VisibleModelSerializer):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "order",
            "title",
            "description",
            "presenter",
            "duration_minutes",
            "papers",
            "status",
            "minutes",
            "carried_from",
            "follow_up_of",
        ]
        read_only_fields = ["meeting", "status", "minutes", "carried_from", "follow_up_of"]
        extra_kwargs = {"minutes": {"allow_null": True}}  # null for those who may not read them
        validators: list[object] = []

    def to_representation(self, instance: AgendaItem) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("can_read_minutes"):
            data["minutes"] = None  # a confidential meeting's minutes stay with those who attended
        return data


class AgendaOrderSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True, max_length=100000)
    status = serializers.ChoiceField(choices=[AgendaItem.Status.OPEN, AgendaItem.Status.CLOSED], required=False)


class InvitationSerializer(VisibleModelSerializer):
    person = KnownPersonField()
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "person", "person_name", "kind", "response", "responded_at", "sent_at"]
        read_only_fields = ["response", "responded_at", "sent_at"]
        validators: list[object] = []


class ReplySerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=[c for c in Invitation.Response.values if c != "pending"])


class AttendanceSerializer(VisibleModelSerializer):
    person = InviteeField()
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    represented_by = InviteeField(required=False, allow_null=True)

    class Meta:
        model = Attendance
        fields = ["person", "person_name", "status", "represented_by"]
        validators: list[object] = []


class DecisionSerializer(VisibleModelSerializer):
    owner = KnownPersonField(required=False, allow_null=True)
    owner_name = serializers.CharField(source="owner.full_name", read_only=True, default=None)

    class Meta:
        model = Decision
        fields = [
            "id",
            "agenda_item",
            "meeting",
            "committee",
            "kind",
            "text",
            "owner",
            "owner_name",
            "owner_organisation",
            "due_date",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["meeting", "committee", "created_at", "updated_at"]

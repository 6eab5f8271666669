"""REST resources ``committees`` and ``meetings``, with their sub-resources (members, agenda items,
invitations, attendance, decisions). Reads come from the selectors (invisible = 404), writes go
through the services (visible but not allowed = 403, bad input = 400 with field messages)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from coordination import permissions, selectors, services
from coordination.api.serializers import (
    AgendaItemSerializer,
    AgendaOrderSerializer,
    AttendanceSerializer,
    CommitteeSerializer,
    DecisionSerializer,
    InvitationSerializer,
    MeetingScheduleSerializer,
    MeetingSerializer,
    MembershipSerializer,
    MinutesSerializer,
    ReplySerializer,
)
from coordination.models import Committee, Meeting
from core.api.filters import VisibleFilterSet, visible_choice_filter
from core.api.views import ActorMixin, ServiceModelViewSet
from core.pagination import KeysetPagination
from core.permissions import get_visible_or_404
from stakeholders.models import Jurisdiction


class _SubResourceMixin(ActorMixin):
    """Sub-resource serializers get the request (their related fields narrow to what the caller
    may see) and, on a meeting's sub-resources, the meeting."""

    def _context(self, **extra: Any) -> dict[str, Any]:
        return {"request": self.request, **extra}


class CommitteeFilter(VisibleFilterSet):
    narrow_only_given = True  # a hot list: no permission rule per filter the request does not use

    parent = visible_choice_filter(permissions.committees_visible, model=Committee)
    within = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(), method="filter_within", label=_("In this jurisdiction or below")
    )

    class Meta:
        model = Committee
        fields = ["kind", "status", "jurisdiction", "parent"]

    def filter_within(self, queryset: QuerySet[Committee], name: str, value: Jurisdiction) -> QuerySet[Committee]:
        return queryset.filter(jurisdiction__path__startswith=value.path)


class CommitteeViewSet(_SubResourceMixin, ServiceModelViewSet):
    """Committees the caller may see (platform admin; coordinators and liaisons of the jurisdiction
    subtree; current members). Others answer 404."""

    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilter
    search_fields = ["name", "acronym", "remit"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]
    pagination_class = KeysetPagination  # a hot list: keyset pages, no COUNT(*) (ADR 0014)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Committee]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema is built without a user
            return Committee.objects.none()
        return selectors.committee_list_visible_to(self.actor).prefetch_related("expected_sectors")

    def create_object(self, data: dict[str, Any]) -> Committee:
        return services.committee_create(actor=self.actor, **data)

    def update_object(self, instance: Committee, data: dict[str, Any]) -> Committee:
        return services.committee_update(actor=self.actor, committee=instance, **data)

    @extend_schema(request=MembershipSerializer, responses=MembershipSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="members", pagination_class=None)
    def members(self, request: Request, pk: str | None = None) -> Response:
        """Current members (``?all=1`` adds past ones); POST seats a person (chair, secretary, coordinator)."""
        committee = self.get_object()
        if request.method == "POST":
            serializer = MembershipSerializer(data=request.data, context=self._context())
            serializer.is_valid(raise_exception=True)
            membership = services.membership_add(actor=self.actor, committee=committee, **serializer.validated_data)
            return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)
        members = selectors.committee_members(committee, current=request.query_params.get("all") != "1")
        return Response(MembershipSerializer(members, many=True).data)


class MeetingFilter(VisibleFilterSet):
    narrow_only_given = True  # a hot list: no permission rule per filter the request does not use

    committee = visible_choice_filter(permissions.committees_visible, model=Committee)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["committee", "status", "is_confidential"]

    series = django_filters.NumberFilter(field_name="series_id", label=_("Meetings of this series (id)"))


class MeetingPagination(KeysetPagination):
    """Meetings are a hot list: no COUNT(*), stable while meetings are added."""

    ordering = ("-starts_at", "-id")


class MeetingViewSet(_SubResourceMixin, ServiceModelViewSet):
    """Meetings of committees the caller may see, and meetings the caller is invited to."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    search_fields = ["title", "location"]
    ordering_fields = ["starts_at"]
    ordering = ["-starts_at", "-id"]
    pagination_class = MeetingPagination
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Meeting]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema is built without a user
            return Meeting.objects.none()
        return selectors.meeting_list_visible_to(self.actor)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return MeetingScheduleSerializer if self.action == "create" else MeetingSerializer

    @extend_schema(request=MeetingScheduleSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Schedule a meeting, or a series with ``recurrence`` (an RFC 5545 RRULE that ends)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_schedule(actor=self.actor, **serializer.validated_data)
        return Response(MeetingSerializer(self._reread(meeting)).data, status=status.HTTP_201_CREATED)

    def update_object(self, instance: Meeting, data: dict[str, Any]) -> Meeting:
        return services.meeting_update(actor=self.actor, meeting=instance, **data)

    # -- sub-resources ------------------------------------------------------------------------

    @extend_schema(request=AgendaItemSerializer, responses=AgendaItemSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="agenda-items", pagination_class=None)
    def agenda_items(self, request: Request, pk: str | None = None) -> Response:
        meeting = self.get_object()
        context = {"can_read_minutes": getattr(meeting, "can_read_minutes", False)}
        if request.method == "POST":
            serializer = AgendaItemSerializer(data=request.data, context=self._context())
            serializer.is_valid(raise_exception=True)
            item = services.agenda_item_add(actor=self.actor, meeting=meeting, **serializer.validated_data)
            return Response(AgendaItemSerializer(item, context=context).data, status=status.HTTP_201_CREATED)
        items = selectors.agenda_items_for_meeting(self.actor, meeting)
        return Response(AgendaItemSerializer(items, many=True, context=context).data)

    @extend_schema(request=AgendaOrderSerializer, responses=AgendaItemSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="agenda-order")
    def agenda_order(self, request: Request, pk: str | None = None) -> Response:
        """Reorder the agenda: ``{"items": [ids in the new order]}``, every item exactly once."""
        meeting = self.get_object()
        serializer = AgendaOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = services.agenda_reorder(actor=self.actor, meeting=meeting, item_ids=serializer.validated_data["items"])
        context = {"can_read_minutes": getattr(meeting, "can_read_minutes", False)}
        return Response(AgendaItemSerializer(items, many=True, context=context).data)

    @extend_schema(request=MinutesSerializer, responses=AgendaItemSerializer)
    @action(detail=True, methods=["post"], url_path=r"agenda-items/(?P<item_pk>[0-9]+)/minutes")
    def item_minutes(self, request: Request, pk: str | None = None, item_pk: str | None = None) -> Response:
        """Record the minutes of one item (rich text, sanitised) and whether it stays open."""
        meeting = self.get_object()
        item = get_visible_or_404(selectors.agenda_items_for_meeting(self.actor, meeting), pk=item_pk)
        serializer = MinutesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.minutes_record(actor=self.actor, item=item, **serializer.validated_data)
        return Response(AgendaItemSerializer(item, context={"can_read_minutes": True}).data)

    @extend_schema(request=InvitationSerializer, responses=InvitationSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="invitations", pagination_class=None)
    def invitations(self, request: Request, pk: str | None = None) -> Response:
        """Invitees and their replies; POST summons an official (or a guest) to this meeting only."""
        meeting = self.get_object()
        if request.method == "POST":
            serializer = InvitationSerializer(data=request.data, context=self._context(meeting=meeting))
            serializer.is_valid(raise_exception=True)
            invitation = services.invitation_add(actor=self.actor, meeting=meeting, **serializer.validated_data)
            return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
        return Response(InvitationSerializer(selectors.invitation_list_visible_to(self.actor, meeting), many=True).data)

    @extend_schema(request=ReplySerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"], url_path="reply")
    def reply(self, request: Request, pk: str | None = None) -> Response:
        """The caller's own reply to their invitation."""
        meeting = self.get_object()
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_respond(actor=self.actor, meeting=meeting, **serializer.validated_data)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=AttendanceSerializer(many=True), responses=AttendanceSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="attendance", pagination_class=None)
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        """Attendance; POST a list of ``{person, status, represented_by}`` (all saved, or none)."""
        meeting = self.get_object()
        if request.method == "POST":
            serializer = AttendanceSerializer(data=request.data, many=True, context=self._context(meeting=meeting))
            serializer.is_valid(raise_exception=True)
            services.attendance_record(actor=self.actor, meeting=meeting, entries=list(serializer.validated_data))
        rows = selectors.attendance_list_visible_to(self.actor, meeting)
        return Response(
            AttendanceSerializer(rows, many=True).data,
            status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK,
        )

    @extend_schema(request=DecisionSerializer, responses=DecisionSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="decisions", pagination_class=None)
    def decisions(self, request: Request, pk: str | None = None) -> Response:
        """Outcomes (information, decisions, follow-up actions); none of a confidential meeting unless
        the caller attended (or owns one)."""
        meeting = self.get_object()
        if request.method == "POST":
            serializer = DecisionSerializer(data=request.data, context=self._context(meeting=meeting))
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            item = data.pop("agenda_item")
            if item.meeting_id != meeting.pk:
                raise serializers.ValidationError({"agenda_item": [_("This item is not on this meeting's agenda.")]})
            decision = services.decision_record(actor=self.actor, item=item, **data)
            return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
        return Response(
            DecisionSerializer(selectors.decision_list_visible_to(self.actor, meeting=meeting), many=True).data
        )

    @extend_schema(request=DecisionSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["patch"], url_path=r"decisions/(?P<decision_pk>[0-9]+)")
    def decision_update(self, request: Request, pk: str | None = None, decision_pk: str | None = None) -> Response:
        """Follow-up of a decision (status, owner, due date); its text only until the minutes are approved."""
        meeting = self.get_object()
        decision = get_visible_or_404(selectors.decision_list_visible_to(self.actor, meeting=meeting), pk=decision_pk)
        serializer = DecisionSerializer(
            decision, data=request.data, partial=True, context=self._context(meeting=meeting)
        )
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "agenda_item"}
        decision = services.decision_update(actor=self.actor, decision=decision, **data)
        return Response(DecisionSerializer(decision).data)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="approve-minutes")
    def approve_minutes(self, request: Request, pk: str | None = None) -> Response:
        """Approve the minutes: they lock; open items and undone decisions carry over. Refused
        before the meeting has started; with warnings (quorum not met, items without minutes)
        refused unless the body has ``"confirm": true``."""
        confirmed = str(request.data.get("confirm", "") if isinstance(request.data, dict) else "").lower() in (
            "true",
            "1",
            "yes",
        )
        meeting = services.minutes_approve(actor=self.actor, meeting=self.get_object(), confirmed=confirmed)
        return Response(MeetingSerializer(self._reread(meeting)).data)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        meeting = services.meeting_cancel(actor=self.actor, meeting=self.get_object())
        return Response(MeetingSerializer(self._reread(meeting)).data)

"""REST resources ``sharing-agreements``, ``information-items`` (with ``access-log`` and
``access-requests`` sub-resources) and ``access-requests``. Reads come from the selectors (not
visible: 404), writes go through the services (visible but not allowed: 403; bad input: 400)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ActorMixin
from core.pagination import KeysetPagination
from core.permissions import allows, get_or_404, require
from infosharing import permissions as perms
from infosharing import selectors, services
from infosharing.api.serializers import (
    AccessLogSerializer,
    AccessRequestAskSerializer,
    AccessRequestSerializer,
    AgreementAccessSerializer,
    AgreementCreateSerializer,
    AgreementUpdateSerializer,
    DecideSerializer,
    InformationItemListSerializer,
    InformationItemSerializer,
    ItemCreateSerializer,
    ReasonSerializer,
    RelabelSerializer,
    ShareSerializer,
    SharingAgreementSerializer,
    SignSerializer,
)
from infosharing.models import AccessLog, AccessRequest, InformationItem, SharingAgreement


class SharingAgreementViewSet(ActorMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Agreements the caller is party to (or manages). Create: sharing admins and platform admins.
    Change (PATCH), sign, activate, suspend, expire, review: the parties' sharing admins, through the
    same services as the pages (not visible: 404; visible but not theirs: 403; bad input: 400)."""

    serializer_class = SharingAgreementSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    pagination_class = KeysetPagination  # a list that grows: keyset pages, no COUNT(*) (ADR 0014)
    ordering = ["title", "id"]
    ordering_fields = ["title"]

    def get_queryset(self) -> QuerySet[SharingAgreement]:
        if getattr(self, "swagger_fake_view", False):
            return SharingAgreement.objects.none()
        return selectors.agreements_visible_to(self.actor).prefetch_related("signatories", "client_committees")

    def _agreement(self, pk: Any) -> SharingAgreement:
        return selectors.agreement_get_for_user(self.actor, pk)

    def _managed(self, pk: Any) -> SharingAgreement:
        """The agreement for a change: not visible, 404; visible but not managed, 403 (before the
        input is read, so the answer does not depend on it)."""
        agreement = self._agreement(pk)
        require(
            allows(self.actor, agreement, perms.Action.MANAGE),
            _("Only the parties' sharing admins manage this agreement."),
        )
        return agreement

    def _done(self, agreement: SharingAgreement) -> Response:
        return Response(SharingAgreementSerializer(self._agreement(agreement.pk)).data)

    @extend_schema(request=AgreementUpdateSerializer, responses=SharingAgreementSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        agreement = self._managed(pk)
        s = AgreementUpdateSerializer(data=request.data, context={"request": request, "agreement": agreement})
        s.is_valid(raise_exception=True)
        agreement = services.agreement_update(
            actor=self.actor,
            agreement=agreement,
            version=s.validated_data["version"],
            changes=s.changes(),
            reason=s.validated_data["reason"],
            resign=s.validated_data["resign"],
        )
        return self._done(agreement)

    @extend_schema(request=SignSerializer, responses=SharingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        agreement = self._managed(pk)
        s = SignSerializer(data=request.data, context={"agreement": agreement})
        s.is_valid(raise_exception=True)
        services.agreement_sign(actor=self.actor, agreement=agreement, **s.validated_data)
        return self._done(agreement)

    @extend_schema(request=None, responses=SharingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        agreement = services.agreement_activate(actor=self.actor, agreement=self._managed(pk))
        return self._done(agreement)

    @extend_schema(request=ReasonSerializer, responses=SharingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        agreement = self._managed(pk)
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.agreement_suspend(actor=self.actor, agreement=agreement, **s.validated_data))

    @extend_schema(request=ReasonSerializer, responses=SharingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def expire(self, request: Request, pk: str | None = None) -> Response:
        agreement = self._managed(pk)
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.agreement_expire(actor=self.actor, agreement=agreement, **s.validated_data))

    @extend_schema(request=ReasonSerializer, responses=SharingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        agreement = self._managed(pk)
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(
            services.agreement_review(actor=self.actor, agreement=agreement, notes=s.validated_data["reason"])
        )

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("ack_cursor", str)],
        responses=AgreementAccessSerializer,
    )
    @action(detail=True, methods=["get"], url_path="access")
    def access(self, request: Request, pk: str | None = None) -> Response:
        """Who may see what under the agreement, and why: the items the caller administers with their
        grants (titles only where the caller may open the item, never content), and who acknowledged
        the agreement. For its parties' sharing admins and platform admins; 404 for everyone else."""
        agreement = selectors.agreement_get_for_manager(self.actor, pk)
        access = selectors.agreement_access(self.actor, agreement, request._request)

        def link(param: str, cursor: str) -> str | None:
            if not cursor:
                return None
            params = request.query_params.copy()
            params[param] = cursor
            return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

        data = {
            "agreement": agreement.pk,
            "training_required": agreement.training_required,
            "next": link("cursor", access.items.next_cursor),
            "results": access.items.object_list,
            "acknowledgements_next": link("ack_cursor", access.acknowledgements.next_cursor),
            "acknowledgements": access.acknowledgements.object_list,
        }
        return Response(AgreementAccessSerializer(data).data)

    @extend_schema(request=AgreementCreateSerializer, responses=SharingAgreementSerializer)
    def create(self, request: Request) -> Response:
        s = AgreementCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        agreement = services.agreement_create(actor=self.actor, **s.validated_data)
        return Response(SharingAgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


class AccessLogPagination(KeysetPagination):
    ordering = ("-at", "-id")


class NewestRequestsPagination(KeysetPagination):
    ordering = ("-created_at", "-id")


@extend_schema_serializer(many=False)
class InformationItemPageSerializer(serializers.Serializer):
    """A page of the item list as ``list`` builds it: ``next`` and ``results``, no count."""

    next = serializers.URLField(allow_null=True)
    results = InformationItemListSerializer(many=True)


class InformationItemViewSet(ActorMixin, viewsets.GenericViewSet):
    """Items the caller may open, newest first (keyset pages: ``?cursor=``; ``?q=`` search, ``?label=``)."""

    serializer_class = InformationItemSerializer
    pagination_class = None  # ``list`` builds its keyset pages itself (InformationItemPageSerializer)

    def get_queryset(self) -> QuerySet[InformationItem]:
        if getattr(self, "swagger_fake_view", False):
            return InformationItem.objects.none()
        from core.permissions import visible

        return visible(self.actor, InformationItem)

    def _item(self, pk: Any) -> InformationItem:
        return selectors.item_get_for_user(self.actor, pk)

    def _managed(self, pk: Any) -> InformationItem:
        qs = InformationItem.objects.select_related("organisation", "agreement")
        try:
            return get_or_404(self.actor, qs, perms.Action.VIEW, pk=pk)
        except Http404:
            return get_or_404(self.actor, qs, perms.Action.VIEW_LOG, pk=pk)

    @extend_schema(
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("q", str), OpenApiParameter("label", str)],
        responses=InformationItemPageSerializer,
    )
    def list(self, request: Request) -> Response:
        p = request.query_params
        page = selectors.item_page_visible_to(
            self.actor,
            cursor=p.get("cursor"),
            q=p.get("q", "")[:100],
            label=p.get("label", "")[:16],
            limit=int(p["page_size"]) if p.get("page_size", "").isdigit() else selectors.PAGE_SIZE,
        )
        if p.get("q") and page.items:
            services.log_reads(event=AccessLog.Event.SEARCH_HIT, actor=self.actor, items=page.items)
        next_url = None
        if page.next_cursor:
            params = p.copy()
            params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        data = InformationItemListSerializer(page.items, many=True, context={"request": request}).data
        return Response({"next": next_url, "results": data})

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        item = self._item(pk)
        context = {"request": request, "with_content": True}
        data = InformationItemSerializer(item, context=context).data
        if data["content"] is not None:
            services.log_event(event=AccessLog.Event.VIEW, actor=self.actor, item=item, detail={"via": "api"})
        return Response(data)

    @extend_schema(request=ItemCreateSerializer, responses=InformationItemSerializer)
    def create(self, request: Request) -> Response:
        s = ItemCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        item = services.item_create(actor=self.actor, **s.validated_data)
        return Response(
            InformationItemSerializer(item, context={"request": request, "with_content": True}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ShareSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str | None = None) -> Response:
        item = self._managed(pk)
        s = ShareSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        grant = services.item_share(actor=self.actor, item=item, **s.validated_data)
        return Response(
            {"grant": grant.pk, "awaiting_approval": grant.needs_approval and grant.approved_at is None},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=RelabelSerializer, responses=InformationItemSerializer)
    @action(detail=True, methods=["post"])
    def relabel(self, request: Request, pk: str | None = None) -> Response:
        item = self._item(pk)
        s = RelabelSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        item = services.item_relabel(actor=self.actor, item=item, **s.validated_data)
        return Response(InformationItemSerializer(item, context={"request": request}).data)

    def _page(self, queryset: QuerySet[Any], serializer: type[serializers.Serializer]) -> Response:
        page = self.paginate_queryset(queryset)
        assert page is not None
        return self.get_paginated_response(serializer(page, many=True).data)

    @extend_schema(responses=AccessLogSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="access-log",
        pagination_class=AccessLogPagination,
        filter_backends=[],
    )
    def access_log(self, request: Request, pk: str | None = None) -> Response:
        """The item's access log, newest first, in keyset pages (``next``, ``previous``, no count)."""
        item = selectors.item_get_for_log(self.actor, pk)
        return self._page(selectors.access_log_for(self.actor, item), AccessLogSerializer)

    @extend_schema(responses=AccessRequestSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="access-requests",
        pagination_class=NewestRequestsPagination,
        filter_backends=[],
    )
    def access_requests(self, request: Request, pk: str | None = None) -> Response:
        """Requests for the item, newest first, in keyset pages, for those who decide them."""
        item = self._managed(pk)
        if not allows(self.actor, item, perms.Action.DECIDE_REQUESTS):
            raise Http404
        return self._page(selectors.requests_visible_to(self.actor).filter(item=item), AccessRequestSerializer)


class AccessRequestViewSet(ActorMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """My requests and those I decide. POST asks by reference: the answer is the same whether or not
    the item exists."""

    serializer_class = AccessRequestSerializer
    pagination_class = KeysetPagination  # a hot list: keyset pages, no COUNT(*) (ADR 0014)
    ordering = ["-created_at", "-id"]
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet[AccessRequest]:
        if getattr(self, "swagger_fake_view", False):
            return AccessRequest.objects.none()
        return selectors.requests_visible_to(self.actor).order_by("-created_at", "-id")

    @extend_schema(request=AccessRequestAskSerializer, responses={202: None})
    def create(self, request: Request) -> Response:
        s = AccessRequestAskSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.access_request_ask(actor=self.actor, **s.validated_data)
        return Response(
            {"detail": "If an item with this reference exists, its originator's sharing admins have your request."},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=DecideSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        req = selectors.request_get_for_user(self.actor, pk)
        s = DecideSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        days = s.validated_data["days"]
        req = services.access_request_approve(
            actor=self.actor,
            request=req,
            expires_at=timezone.now() + timedelta(days=days) if days else None,
            read_only=s.validated_data["read_only"],
            note=s.validated_data["note"],
        )
        return Response(AccessRequestSerializer(req).data)

    @extend_schema(request=DecideSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        req = selectors.request_get_for_user(self.actor, pk)
        s = DecideSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        req = services.access_request_decline(actor=self.actor, request=req, note=s.validated_data["note"])
        return Response(AccessRequestSerializer(req).data)

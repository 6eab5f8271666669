"""REST resources ``frameworks``, ``action-plans``, ``actions``, ``indicators`` and ``progress-updates``.

Reads come from the rule registry (invisible = 404); writes go through the services (visible but not
allowed = 403, bad input = 400 with field messages). Concurrency: every row carries ``version``,
sent as the ``ETag``; a write to an existing row needs ``If-Match`` with it (428 without, 412 when
someone else changed the row in the meantime). Adding evidence is not a conflict.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from actionplans import selectors, services
from actionplans.api.serializers import (
    ActionSerializer,
    ActionShareSerializer,
    DisburseSerializer,
    EvidenceOutSerializer,
    EvidenceUploadSerializer,
    FrameworkCreateSerializer,
    FrameworkReviseSerializer,
    FrameworkSerializer,
    FrameworkUpdateSerializer,
    GrantOutSerializer,
    IndicatorSerializer,
    PlanSerializer,
    ProgressUpdateSerializer,
    ReviewSerializer,
    SubmitSerializer,
    WithdrawSerializer,
)
from actionplans.models import (
    Action,
    ActionGrant,
    ActionPlan,
    Framework,
    Indicator,
    Pillar,
    ProgressUpdate,
    Tranche,
)
from actionplans.permissions import Perm
from core.api.filters import VisibleFilterSet
from core.api.views import ActorMixin, ServiceModelViewSet
from core.pagination import KeysetPagination
from core.permissions import allows, annotate, require, restrict, visible


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send If-Match with the version (ETag) you read."
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "Someone else changed this in the meantime: read it again."
    default_code = "precondition_failed"


def etag(version: int) -> str:
    return f'"{version}"'


def etag_of(framework: Framework) -> str:
    """A framework version's ``ETag``: the digest of its adoption date and pillars (prefetched)."""
    return f'"{services.framework_etag(framework, framework.pillars.all())}"'


class VersionedMixin:
    """``ETag`` on reads; ``If-Match`` required on writes to existing rows."""

    request: Any

    def expected_version(self) -> int:
        header = self.request.headers.get("If-Match", "").strip()
        if not header:
            raise PreconditionRequired()
        value = header.removeprefix("W/").strip('"')
        try:
            return int(value)
        except ValueError:
            raise PreconditionFailed() from None

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        data = getattr(response, "data", None)
        if isinstance(data, dict) and isinstance(data.get("version"), int) and "id" in data:
            response["ETag"] = etag(data["version"])
        return response

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.StaleVersion):
            current: Model = exc.current
            response = Response(
                {"detail": str(PreconditionFailed.default_detail), "version": getattr(current, "version", None)},
                status=412,
            )
            response["ETag"] = etag(getattr(current, "version", 0))
            return response
        return super().handle_exception(exc)  # type: ignore[misc]


class _Base(VersionedMixin, ServiceModelViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.expected_version()  # 428 before anything else
        return super().update(request, *args, **kwargs)


# --- frameworks ------------------------------------------------------------------------------


class FrameworkFilter(VisibleFilterSet):
    class Meta:
        model = Framework
        fields = ["name", "jurisdiction"]


class FrameworkViewSet(ActorMixin, viewsets.ReadOnlyModelViewSet):
    """Framework versions (every signed-in user reads them), each with its pillars in order.
    Adopting one (POST), ``revise`` (a new version of the current one, its pillars by default a
    copy of the current pillars; the revised version is kept as it is) and PATCH (correcting a
    version no plan follows yet) are for platform admins and coordinators of the framework's
    jurisdiction subtree (403 otherwise); bad input is a 400 with field messages.

    Concurrency: a framework's ``version`` is the strategy's version number, which a correction
    leaves as it is, so it cannot be the ``ETag``. The ``ETag`` of a version (on GET of one, and on
    every answer that returns one) is instead a digest of what a correction may change, its
    adoption date and pillars (:func:`actionplans.services.framework_etag`); PATCH needs it in
    ``If-Match`` (428 without, 412 when the version was corrected in the meantime), as the other
    editable rows here do. Adopting and revising make a new row and need none (two revisions at
    once are serialised by the service and the second is refused: only the current version is
    revised)."""

    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilter
    search_fields = ["name"]
    ordering_fields = ["name", "version", "adopted_on"]
    ordering = ["name", "-version"]
    queryset = Framework.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Framework]:
        if getattr(self, "swagger_fake_view", False):
            return Framework.objects.none()
        return selectors.frameworks_annotated(self.actor).prefetch_related(
            Prefetch("pillars", queryset=Pillar.objects.order_by("order", "code"))
        )

    def _respond(self, framework: Framework, code: int = status.HTTP_200_OK) -> Response:
        response = Response(FrameworkSerializer(framework, context=self.get_serializer_context()).data, status=code)
        response["ETag"] = etag_of(framework)
        return response

    def _out(self, framework: Framework, code: int) -> Response:
        return self._respond(self.get_queryset().get(pk=framework.pk), code)

    @staticmethod
    def _pillars(data: dict[str, Any]) -> list[tuple[str, str]] | None:
        pillars = data.get("pillars")
        return None if pillars is None else [(p["code"], p["name"]) for p in pillars]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    @extend_schema(request=FrameworkCreateSerializer, responses={201: FrameworkSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = FrameworkCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        framework = services.framework_create(
            actor=self.actor,
            name=data["name"],
            jurisdiction=data["jurisdiction"],
            adopted_on=data.get("adopted_on"),
            pillars=self._pillars(data),
        )
        return self._out(framework, status.HTTP_201_CREATED)

    @extend_schema(
        request=FrameworkUpdateSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="The ETag of the version as read (GET of the version).",
            )
        ],
        responses={
            200: FrameworkSerializer,
            400: OpenApiResponse(
                description="Field messages: no pillars, a code given twice, or plans follow this version "
                "(revise it instead); nothing is changed."
            ),
            403: OpenApiResponse(description="The caller may read the framework but not manage it."),
            404: OpenApiResponse(description="No such framework the caller may see."),
            412: OpenApiResponse(
                description="Corrected by someone else since it was read; the ETag is the current one."
            ),
            428: OpenApiResponse(description="If-Match is missing."),
        },
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Correct a version no plan follows yet: its adoption date and its pillars (the whole list,
        in order; a kept code keeps its pillar). What is left out stays as it is."""
        framework = self.get_object()
        require(allows(self.actor, framework, Perm.MANAGE), _("You may not change this framework."))
        expected = self.request.headers.get("If-Match", "").strip()
        if not expected:
            raise PreconditionRequired()
        body = FrameworkUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            services.framework_update(
                actor=self.actor,
                framework=framework,
                adopted_on=data.get("adopted_on", framework.adopted_on),  # left out: left as it is
                pillars=self._pillars(data),
                expected_etag=expected.removeprefix("W/").strip('"'),
            )
        except services.StaleVersion:
            current = self.get_queryset().get(pk=framework.pk)
            response = Response({"detail": str(PreconditionFailed.default_detail)}, status=412)
            response["ETag"] = etag_of(current)
            return response
        return self._out(framework, status.HTTP_200_OK)

    @extend_schema(request=FrameworkReviseSerializer, responses={201: FrameworkSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        framework = self.get_object()
        body = FrameworkReviseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        revised = services.framework_revise(
            actor=self.actor,
            framework=framework,
            adopted_on=body.validated_data.get("adopted_on"),
            pillars=self._pillars(body.validated_data),
        )
        return self._out(revised, status.HTTP_201_CREATED)


# --- plans -----------------------------------------------------------------------------------


class PlanFilter(VisibleFilterSet):
    class Meta:
        model = ActionPlan
        fields = ["status", "jurisdiction", "owning_committee", "parent"]


class PlanViewSet(_Base):
    """Action plans the caller may see. ``approve`` keeps the approved version; ``rollup`` gives the
    indicator results with the roll-up over linked child-plan indicators."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    search_fields = ["title"]
    ordering_fields = ["period_start", "title"]
    ordering = ["-period_start", "title", "id"]
    pagination_class = KeysetPagination  # a hot list: keyset pages, no COUNT(*) (ADR 0014)
    queryset = ActionPlan.objects.none()

    def get_queryset(self) -> QuerySet[ActionPlan]:
        if getattr(self, "swagger_fake_view", False):
            return ActionPlan.objects.none()
        qs = visible(self.actor, ActionPlan).select_related("jurisdiction")
        return annotate(qs, self.actor, Perm.MANAGE, "can_manage")

    def create_object(self, data: dict[str, Any]) -> ActionPlan:
        return services.plan_create(actor=self.actor, **data)

    def update_object(self, instance: ActionPlan, data: dict[str, Any]) -> ActionPlan:
        return services.plan_update(actor=self.actor, plan=instance, expected_version=self.expected_version(), **data)

    @extend_schema(request=ReviewSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        note = ReviewSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        services.plan_approve(
            actor=self.actor,
            plan=plan,
            expected_version=self.expected_version(),
            note=note.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(self._reread(plan)).data)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def rollup(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        overview = selectors.plan_overview(self.actor, plan)

        def num(v: Any) -> str | None:
            return None if v is None else str(round(v, 2))

        def line(item: selectors.IndicatorLine) -> dict[str, Any]:
            return {
                "indicator": item.indicator.pk,
                "code": item.indicator.code,
                "own": num(item.own.value),
                "rolled_up": num(item.rolled.value),
                "numerator": num(item.rolled.numerator),
                "denominator": num(item.rolled.denominator),
                "target": num(item.target),
                "achievement": num(item.achievement),
                "linked": [line(c) for c in item.visible_children],
            }

        return Response(
            {
                "plan": plan.pk,
                "progress": num(overview.progress),
                "objectives": [
                    {"objective": o.objective.pk, "code": o.objective.code, "progress": num(o.progress)}
                    for o in overview.objectives
                ],
                "pillars": [{"pillar": p.pk, "code": p.code, "progress": num(v)} for p, v in overview.pillars],
                "indicators": [line(i) for i in overview.indicators],
            }
        )

    @extend_schema(request=DisburseSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def disburse(self, request: Request, pk: str | None = None) -> Response:
        """Record the disbursement of one tranche of the plan's funding (never above what is committed)."""
        plan = self.get_object()
        body = DisburseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tranche = get_object_or_404(
            restrict(Tranche.objects.filter(allocation__plan=plan), self.actor), pk=body.validated_data["tranche"]
        )
        tranche = services.tranche_disburse(
            actor=self.actor, tranche=tranche, disbursed_on=body.validated_data.get("disbursed_on")
        )
        return Response({"tranche": tranche.pk, "status": tranche.status, "disbursed_on": tranche.disbursed_on})


# --- actions ---------------------------------------------------------------------------------


class ActionFilter(VisibleFilterSet):
    narrow_only_given = True  # a hot list: no permission rule per filter the request does not use

    class Meta:
        model = Action
        fields = ["plan", "objective", "status", "kind", "lead_organisation"]


class ActionViewSet(_Base):
    """Actions the caller may see (the lead and partner organisations' members see theirs). A hot
    list: cursor pagination, newest first, no count."""

    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    pagination_class = KeysetPagination  # a hot list: keyset pages, no COUNT(*) (ADR 0014)
    search_fields: list[str] = []
    ordering_fields: list[str] = []
    queryset = Action.objects.none()

    def get_queryset(self) -> QuerySet[Action]:
        if getattr(self, "swagger_fake_view", False):
            return Action.objects.none()
        return visible(self.actor, Action).select_related("plan", "lead_organisation").prefetch_related("partners")

    def _partners(self, data: dict[str, Any]) -> list[tuple[Any, str]] | None:
        partners = data.pop("partners", None)
        return None if partners is None else [(p["organisation"], p["role"]) for p in partners]

    def create_object(self, data: dict[str, Any]) -> Action:
        partners = self._partners(data)
        plan = data.pop("plan")
        return services.action_create(actor=self.actor, plan=plan, partners=partners, **data)

    def update_object(self, instance: Action, data: dict[str, Any]) -> Action:
        partners = self._partners(data)
        data.pop("plan", None)
        return services.action_update(
            actor=self.actor, action=instance, expected_version=self.expected_version(), partners=partners, **data
        )

    def _grants_out(self, action: Action) -> list[dict[str, Any]]:
        rows = []
        for grant, name in selectors.action_grants(self.actor, action):
            rows.append(
                {
                    "id": grant.pk,
                    "grantee_kind": grant.grantee_kind,
                    "grantee_id": grant.grantee_id,
                    "grantee_name": name,
                    "permission": grant.permission,
                    "reason": grant.reason,
                    "granted_by": grant.granted_by.public_name if grant.granted_by else None,
                    "created_at": grant.created_at,
                    "expires_at": grant.expires_at,
                    "revoked_at": grant.revoked_at,
                }
            )
        return GrantOutSerializer(rows, many=True).data  # type: ignore[return-value]

    @extend_schema(methods=["GET"], responses={200: GrantOutSerializer(many=True)})
    @extend_schema(methods=["POST"], request=ActionShareSerializer, responses={201: GrantOutSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def shares(self, request: Request, pk: str | None = None) -> Response:
        """Who the action is explicitly shared with (its managers see this); POST shares it with one
        more organisation, committee or person: only the plan's managers, never with themselves or an
        organisation or committee of their own, audited. Not an edit of the action: no ``If-Match``."""
        item = self.get_object()
        require(allows(self.actor, item, Perm.MANAGE), _("You may not share this action."))
        if request.method == "POST":
            body = ActionShareSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.action_share(actor=self.actor, action=item, **body.validated_data)
            return Response(self._grants_out(item), status=status.HTTP_201_CREATED)
        return Response(self._grants_out(item))

    @extend_schema(request=WithdrawSerializer, responses={200: GrantOutSerializer(many=True)})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"shares/(?P<grant_pk>[0-9]+)/withdraw",
        url_name="withdraw-share",
        pagination_class=None,
    )
    def withdraw_share(self, request: Request, pk: str | None = None, grant_pk: str | None = None) -> Response:
        """Withdraw one share of the action, with the reason (audited)."""
        item = self.get_object()
        require(allows(self.actor, item, Perm.MANAGE), _("You may not share this action."))
        grant = get_object_or_404(
            restrict(ActionGrant.objects.filter(target=item, revoked_at__isnull=True), self.actor), pk=grant_pk
        )
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.action_unshare(actor=self.actor, grant=grant, reason=body.validated_data["reason"])
        return Response(self._grants_out(item))


# --- indicators ------------------------------------------------------------------------------


class IndicatorFilter(VisibleFilterSet):
    class Meta:
        model = Indicator
        fields = ["plan", "objective", "action", "measure", "parent"]


class IndicatorViewSet(_Base):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    ordering = ["plan", "code"]
    ordering_fields = ["code"]
    pagination_class = KeysetPagination  # a hot list: keyset pages, no COUNT(*) (ADR 0014)
    queryset = Indicator.objects.none()

    def get_queryset(self) -> QuerySet[Indicator]:
        if getattr(self, "swagger_fake_view", False):
            return Indicator.objects.none()
        return visible(self.actor, Indicator).select_related("plan")

    def create_object(self, data: dict[str, Any]) -> Indicator:
        plan = data.pop("plan")
        return services.indicator_create(actor=self.actor, plan=plan, **data)

    def update_object(self, instance: Indicator, data: dict[str, Any]) -> Indicator:
        data.pop("plan", None)
        return services.indicator_update(
            actor=self.actor, indicator=instance, expected_version=self.expected_version(), **data
        )


# --- progress updates ------------------------------------------------------------------------


class ProgressUpdateFilter(VisibleFilterSet):
    class Meta:
        model = ProgressUpdate
        fields = ["plan", "action", "indicator", "status"]


class ProgressUpdateViewSet(_Base):
    """Reports on actions and indicator periods: partners create and submit them, the plan's
    coordinators accept or return them (a note is required). Only accepted values count."""

    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilter
    pagination_class = KeysetPagination  # a hot list: keyset pages, no COUNT(*) (ADR 0014)
    ordering_fields = ["period_start"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = ProgressUpdate.objects.none()

    def get_queryset(self) -> QuerySet[ProgressUpdate]:
        if getattr(self, "swagger_fake_view", False):
            return ProgressUpdate.objects.none()
        return visible(self.actor, ProgressUpdate).prefetch_related("evidence")

    def create_object(self, data: dict[str, Any]) -> ProgressUpdate:
        return services.progress_update_create(actor=self.actor, **data)

    def update_object(self, instance: ProgressUpdate, data: dict[str, Any]) -> ProgressUpdate:
        return services.progress_update_edit(
            actor=self.actor, update=instance, expected_version=self.expected_version(), **data
        )

    def _done(self, update: ProgressUpdate) -> Response:
        return Response(self.get_serializer(self._reread(update)).data)

    @extend_schema(request=SubmitSerializer, responses=ProgressUpdateSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        update = self.get_object()
        return self._done(
            services.progress_update_submit(actor=self.actor, update=update, expected_version=self.expected_version())
        )

    @extend_schema(request=ReviewSerializer, responses=ProgressUpdateSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        update = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            services.progress_update_accept(
                actor=self.actor,
                update=update,
                expected_version=self.expected_version(),
                note=body.validated_data.get("note", ""),
            )
        )

    @extend_schema(request=ReviewSerializer, responses=ProgressUpdateSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        update = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            services.progress_update_return(
                actor=self.actor,
                update=update,
                expected_version=self.expected_version(),
                note=body.validated_data.get("note", ""),
            )
        )

    @extend_schema(request=EvidenceUploadSerializer, responses={201: EvidenceOutSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        """Attach a file (checked by its content). Not a conflict: no If-Match needed."""
        update = self.get_object()
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        item = services.evidence_add(actor=self.actor, update=update, name=upload.name, stream=upload, size=upload.size)
        return Response(EvidenceOutSerializer(item).data, status=status.HTTP_201_CREATED)

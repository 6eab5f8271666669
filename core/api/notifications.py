"""The notification centre over the API: one's own notifications (cursor paginated, ``?unread=true``),
mark one or all read, and one's preferences per kind. The same rules as the pages: a user only
ever reads their own (another's id answers 404, as a missing one)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from core import selectors, services
from core.api.pagination import NewestFirstCursorPagination
from core.api.views import ActorMixin
from core.models import Frequency, Notification
from core.notifications import configurable_kinds


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "url", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class MarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))


@extend_schema(tags=["notifications"])
class NotificationViewSet(ActorMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first."""

    serializer_class = NotificationSerializer
    pagination_class = NewestFirstCursorPagination
    queryset = Notification.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema is built without a user
            return Notification.objects.none()
        qs = selectors.notification_list_for(self.actor)
        if self.action == "list":
            unread = self.request.query_params.get("unread", "").lower()
            if unread in {"1", "true", "yes"}:
                qs = qs.filter(read_at__isnull=True)
            elif unread in {"0", "false", "no"}:
                qs = qs.filter(read_at__isnull=False)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description=str(_("Only unread (true) or only read (false) ones."))
            )
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        """Mark this notification read."""
        notification = self.get_object()
        services.notifications_mark_read(user=self.actor, ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark all of the caller's notifications read."""
        return Response({"marked": services.notifications_mark_read(user=self.actor)})


class PreferenceSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True, help_text=_("What the kind is, in the reader's language."))
    frequency = serializers.ChoiceField(choices=Frequency.choices)


PREFERENCES_UPDATE = inline_serializer(
    name="NotificationPreferencesUpdate",
    fields={
        "frequencies": serializers.DictField(
            child=serializers.ChoiceField(choices=Frequency.choices),
            help_text=_("Kind -> frequency; kinds not named keep their setting."),
        )
    },
)


@extend_schema(tags=["notifications"])
class NotificationPreferencesView(ActorMixin, APIView):
    """How the caller receives each kind: at once (e-mail and bell), daily or weekly digest, off."""

    def _rows(self) -> list[dict[str, Any]]:
        current = selectors.notification_preferences_of(self.actor)
        return [
            {"kind": k.kind, "name": str(k.label), "frequency": current.get(k.kind, Frequency.IMMEDIATELY)}
            for k in configurable_kinds()
        ]

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(PreferenceSerializer(self._rows(), many=True).data)

    @extend_schema(request=PREFERENCES_UPDATE, responses=PreferenceSerializer(many=True))
    def patch(self, request: Request) -> Response:
        """Change the frequency of the kinds named; all or nothing."""
        frequencies = request.data.get("frequencies") if isinstance(request.data, dict) else None
        if not isinstance(frequencies, dict) or not frequencies:
            raise ValidationError({"frequencies": [_("Name at least one kind and its frequency.")]})
        known = {k.kind for k in configurable_kinds()}
        errors = {
            str(kind): [str(_("No such kind of notification."))]
            if kind not in known
            else [str(_("Choose one of the offered frequencies."))]
            for kind, frequency in frequencies.items()
            if kind not in known or frequency not in Frequency.values
        }
        if errors:
            raise ValidationError({"frequencies": errors})
        try:
            services.notification_preferences_set(
                user=self.actor, frequencies={str(k): str(v) for k, v in frequencies.items()}
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(PreferenceSerializer(self._rows(), many=True).data)


def register(router: BaseRouter) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")


urlpatterns = [
    path("notification-preferences/", NotificationPreferencesView.as_view(), name="notification-preferences"),
]

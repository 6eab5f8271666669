from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import viewsets

from core.http import request_user
from core.models import User


class ActorMixin:
    """``self.actor``: the authenticated caller (every endpoint requires authentication)."""

    request: Any

    @property
    def actor(self) -> User:
        return request_user(self.request)


class ServiceModelViewSet(ActorMixin, viewsets.ModelViewSet):
    """A viewset whose reads come from a selector and whose writes go through services.

    Subclasses implement ``get_queryset`` with the app's selector (so invisible rows are 404) and
    ``create_object`` / ``update_object`` / ``destroy_object`` with the app's services (which check
    the actor's permission: 403 when the row is visible but not changeable).
    """

    def create_object(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def destroy_object(self, instance: Any) -> None:
        raise NotImplementedError

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = self._reread(self.create_object(serializer.validated_data))

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = self._reread(self.update_object(serializer.instance, serializer.validated_data))

    def _reread(self, instance: Model) -> Model:
        """The response shows the row as the selector gives it (annotations and all)."""
        return self.get_queryset().filter(pk=instance.pk).first() or instance

    def perform_destroy(self, instance: Any) -> None:
        self.destroy_object(instance)

    def get_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

"""Serializer plumbing that narrows every foreign key to what the caller may see.

:class:`VisibleRelatedField` is a ``PrimaryKeyRelatedField`` whose choices are the related model's
visible set (``core.permissions.visible``). :class:`VisibleModelSerializer` builds *every* related
field of a ``ModelSerializer`` that way, so a new serializer is safe by default: an id the caller may
not see answers exactly like one that does not exist, and the browsable API's forms list only
visible rows. A related model without a registered "view" rule is a configuration error, not a
silent ``objects.all()``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from core.permissions import visible

DOES_NOT_EXIST = 'Invalid pk "{pk_value}" - object does not exist.'


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A related field whose choices are ``visible(request.user, model, action)``."""

    default_error_messages = {
        "does_not_exist": DOES_NOT_EXIST,
        "incorrect_type": DOES_NOT_EXIST,
    }

    def __init__(self, model: type[Model] | None = None, action: str = "view", **kwargs: Any) -> None:
        queryset = kwargs.pop("queryset", None)
        self.related_model = model or (queryset.model if queryset is not None else None)
        assert self.related_model is not None, "VisibleRelatedField needs model= or queryset="
        self.action = action
        if not kwargs.get("read_only"):
            kwargs["queryset"] = self.related_model._default_manager.none()
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        user = getattr(request, "user", None) or AnonymousUser()
        assert self.related_model is not None
        return visible(user, self.related_model, self.action)

    def to_internal_value(self, data: Any) -> Any:
        # One message for a missing, a hidden and a malformed id: no existence oracle.
        # (DRF's own "incorrect_type" failure formats with other keys, so the lookup is done here.)
        if self.pk_field is not None:
            data = self.pk_field.to_internal_value(data)
        try:
            if isinstance(data, bool | list | dict):
                raise TypeError
            return self.get_queryset().get(pk=data)
        except (ObjectDoesNotExist, TypeError, ValueError, DjangoValidationError):
            self.fail("does_not_exist", pk_value=str(data)[:40])


class VisibleModelSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A ``ModelSerializer`` whose every writable foreign key and many-to-many is a
    :class:`VisibleRelatedField` over the related model's visible set."""

    serializer_related_field = VisibleRelatedField

    def build_relational_field(self, field_name: str, relation_info: Any) -> tuple[type[Any], dict[str, Any]]:
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if field_class is VisibleRelatedField:
            kwargs.pop("queryset", None)
            kwargs["model"] = relation_info.related_model
        return field_class, kwargs


def narrowed_fields(serializer: serializers.Serializer[Any]) -> list[str]:
    """Names of the serializer's writable relational fields that are not narrowed (for tests)."""
    out = []
    for name, field in serializer.fields.items():
        inner = field.child_relation if isinstance(field, ManyRelatedField) else field
        writable = isinstance(inner, serializers.RelatedField) and not inner.read_only
        if writable and not isinstance(inner, VisibleRelatedField):
            out.append(name)
    return out

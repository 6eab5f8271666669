from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from core.api.views import ServiceModelViewSet
from core.models import User
from stakeholders import selectors, services
from stakeholders.api.serializers import JurisdictionSerializer, OrganisationSerializer, SectorSerializer
from stakeholders.models import Jurisdiction, Organisation, Sector


class _UserMixin:
    request: Any

    @property
    def actor(self) -> User:
        assert isinstance(self.request.user, User)
        return self.request.user


class JurisdictionFilter(django_filters.FilterSet):
    within = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(), method="filter_within", label="Within (subtree of) jurisdiction"
    )

    class Meta:
        model = Jurisdiction
        fields = ["level", "parent", "code"]

    def filter_within(self, queryset: QuerySet[Jurisdiction], name: str, value: Jurisdiction) -> QuerySet[Jurisdiction]:
        return queryset.filter(path__startswith=value.path)


class JurisdictionViewSet(_UserMixin, ServiceModelViewSet):
    queryset = Jurisdiction.objects.none()  # for the schema; rows come from get_queryset (the selector)
    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilter
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code", "path", "population"]
    ordering = ["path"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Jurisdiction]:
        return selectors.jurisdiction_list_visible_to(self.actor)

    def create_object(self, data: dict[str, Any]) -> Jurisdiction:
        return services.jurisdiction_create(actor=self.actor, **data)

    def update_object(self, instance: Jurisdiction, data: dict[str, Any]) -> Jurisdiction:
        return services.jurisdiction_update(actor=self.actor, jurisdiction=instance, **data)


class SectorViewSet(_UserMixin, ServiceModelViewSet):
    queryset = Sector.objects.none()  # for the schema; rows come from get_queryset (the selector)
    serializer_class = SectorSerializer
    filterset_fields = ["is_security"]
    search_fields = ["name", "code"]
    ordering_fields = ["name"]
    ordering = ["name"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Sector]:
        return selectors.sector_list()

    def create_object(self, data: dict[str, Any]) -> Sector:
        return services.sector_create(actor=self.actor, **data)

    def update_object(self, instance: Sector, data: dict[str, Any]) -> Sector:
        return services.sector_update(actor=self.actor, sector=instance, **data)


class OrganisationFilter(django_filters.FilterSet):
    within = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(), method="filter_within", label="In this jurisdiction or below"
    )

    class Meta:
        model = Organisation
        fields = ["sector", "jurisdiction", "kind", "is_active", "parent"]

    def filter_within(self, queryset: QuerySet[Organisation], name: str, value: Jurisdiction) -> QuerySet[Organisation]:
        return queryset.filter(jurisdiction__path__startswith=value.path)


class OrganisationViewSet(_UserMixin, ServiceModelViewSet):
    """Organisations in the registry. Inactive ones are listed only to those responsible for them."""

    queryset = Organisation.objects.none()  # for the schema; rows come from get_queryset (the selector)
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name", "acronym", "description"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisation_list_visible_to(self.actor)


    def create_object(self, data: dict[str, Any]) -> Organisation:
        return services.organisation_create(actor=self.actor, **data)

    def update_object(self, instance: Organisation, data: dict[str, Any]) -> Organisation:
        return services.organisation_update(actor=self.actor, organisation=instance, **data)

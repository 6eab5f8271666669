from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.api.filters import VisibleFilterSet, visible_choice_filter
from core.api.views import ServiceModelViewSet
from core.pagination import KeysetPagination
from stakeholders import permissions, selectors, services
from stakeholders.api.serializers import (
    JurisdictionSerializer,
    OrganisationSerializer,
    PartnershipSerializer,
    PersonSerializer,
    PositionSerializer,
    PositionUpdateSerializer,
    ResourceOfferSerializer,
    SectorSerializer,
    StakeholderMappingSerializer,
)
from stakeholders.models import (
    Jurisdiction,
    Organisation,
    Partnership,
    Person,
    Position,
    ResourceOffer,
    Sector,
    StakeholderMapping,
)


class JurisdictionFilter(VisibleFilterSet):
    within = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(), method="filter_within", label=_("Within (subtree of) jurisdiction")
    )

    class Meta:
        model = Jurisdiction
        fields = ["level", "parent", "code"]

    def filter_within(self, queryset: QuerySet[Jurisdiction], name: str, value: Jurisdiction) -> QuerySet[Jurisdiction]:
        return queryset.filter(selectors.within_q(value, via=""))


class JurisdictionViewSet(ServiceModelViewSet):
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


class SectorViewSet(ServiceModelViewSet):
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


class OrganisationFilter(VisibleFilterSet):
    narrow_only_given = True  # a hot list: no permission rule per filter the request does not use

    within = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(), method="filter_within", label=_("In this jurisdiction or below")
    )

    parent = visible_choice_filter(permissions.organisations_visible, model=Organisation)

    class Meta:
        model = Organisation
        fields = ["sector", "jurisdiction", "kind", "is_active", "parent"]

    def filter_within(self, queryset: QuerySet[Organisation], name: str, value: Jurisdiction) -> QuerySet[Organisation]:
        return queryset.filter(selectors.within_q(value))


class OrganisationViewSet(ServiceModelViewSet):
    """Organisations in the registry. Inactive ones are listed only to those responsible for them."""

    queryset = Organisation.objects.none()  # for the schema; rows come from get_queryset (the selector)
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name", "acronym", "description"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name", "id"]
    pagination_class = KeysetPagination  # a hot list: keyset pages, no COUNT(*) (ADR 0014)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisation_list_visible_to(self.actor)

    def create_object(self, data: dict[str, Any]) -> Organisation:
        return services.organisation_create(actor=self.actor, **data)

    def update_object(self, instance: Organisation, data: dict[str, Any]) -> Organisation:
        return services.organisation_update(actor=self.actor, organisation=instance, **data)


class _WithinFilterMixin:
    """``within=<jurisdiction id>``: the jurisdiction's whole subtree."""

    within_via = "jurisdiction"

    def filter_within(self, queryset: QuerySet[Any], name: str, value: Jurisdiction) -> QuerySet[Any]:
        return queryset.filter(selectors.within_q(value, self.within_via))


class PersonFilter(VisibleFilterSet):
    narrow_only_given = True  # a hot list: no permission rule per filter the request does not use

    q = django_filters.CharFilter(method="filter_q", label=_("Full-text search (names, expertise, languages)"))
    organisation = visible_choice_filter(
        permissions.organisations_visible,
        model=Organisation,
        method="filter_organisation",
        label=_("Holds or held a position in this organisation"),
    )
    within = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(),
        method="filter_within",
        label=_("Registered or holding a position in this jurisdiction or below"),
    )

    class Meta:
        model = Person
        fields = ["jurisdiction"]

    def filter_q(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return selectors.text_search(queryset, value, selectors.PERSON_SEARCH_FIELDS)

    def filter_organisation(self, queryset: QuerySet[Person], name: str, value: Organisation) -> QuerySet[Person]:
        return selectors.person_filter(self.request.user, queryset, organisation=value)

    def filter_within(self, queryset: QuerySet[Person], name: str, value: Jurisdiction) -> QuerySet[Person]:
        return selectors.person_filter(self.request.user, queryset, jurisdiction=value)


class PersonViewSet(ServiceModelViewSet):
    """People in the registry. Everyone signed in sees the public directory (names and current
    positions); contact details are ``null`` unless the caller has a need (``contact_visible``)."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    ordering_fields = ["full_name", "created_at", "updated_at"]
    ordering = ["full_name", "id"]
    pagination_class = KeysetPagination  # a hot list: keyset pages, no COUNT(*) (ADR 0014)
    queryset = Person.objects.none()  # for the schema; rows come from get_queryset (the selector)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Person]:
        return selectors.person_list_visible_to(self.actor)

    def create_object(self, data: dict[str, Any]) -> Person:
        if not data.get("organisation"):
            for name in ("organisation", "title", "start_date"):
                data.pop(name, None)
        return services.person_create(actor=self.actor, **data)

    def update_object(self, instance: Person, data: dict[str, Any]) -> Person:
        for name in ("organisation", "title", "start_date"):
            data.pop(name, None)
        return services.person_update(actor=self.actor, person=instance, **data)


class PositionFilter(VisibleFilterSet):
    person = visible_choice_filter(permissions.people_visible)
    organisation = visible_choice_filter(permissions.organisations_visible)

    class Meta:
        model = Position
        fields = ["person", "organisation"]


class PositionViewSet(ServiceModelViewSet):
    """Positions of people in organisations (title, from/to). Kept by those who may change the
    organisation; end a position by giving it an end date."""

    filterset_class = PositionFilter
    ordering_fields = ["start_date", "end_date"]
    ordering = ["-start_date", "id"]
    queryset = Position.objects.none()  # for the schema; rows come from get_queryset (the selector)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self) -> type[PositionSerializer]:
        return PositionUpdateSerializer if self.action in ("update", "partial_update") else PositionSerializer

    def get_queryset(self) -> QuerySet[Position]:
        return permissions.positions_visible(self.actor).select_related("person", "organisation")

    def create_object(self, data: dict[str, Any]) -> Position:
        return services.position_create(actor=self.actor, **data)

    def update_object(self, instance: Position, data: dict[str, Any]) -> Position:
        return services.position_update(actor=self.actor, position=instance, **data)


class PartnershipFilter(VisibleFilterSet):
    organisation = visible_choice_filter(
        permissions.organisations_visible, method="filter_either", label=_("Either side of the partnership")
    )
    partner = visible_choice_filter(permissions.organisations_visible)

    class Meta:
        model = Partnership
        fields = ["kind", "partner"]

    def filter_either(self, queryset: QuerySet[Partnership], name: str, value: Organisation) -> QuerySet[Partnership]:
        return queryset.filter(Q(organisation=value) | Q(partner=value))


class PartnershipViewSet(ServiceModelViewSet):
    """Partnerships between organisations (MoU, referral pathway, joint programme...), seen by whoever
    may see both organisations, recorded by whoever may change either."""

    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter
    ordering_fields = ["start_date", "created_at"]
    queryset = Partnership.objects.none()  # for the schema; rows come from get_queryset (the selector)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Partnership]:
        return selectors.partnership_list_visible_to(self.actor)

    def create_object(self, data: dict[str, Any]) -> Partnership:
        return services.partnership_create(actor=self.actor, **data)

    def update_object(self, instance: Partnership, data: dict[str, Any]) -> Partnership:
        return services.partnership_update(actor=self.actor, partnership=instance, **data)


class StakeholderMappingFilter(_WithinFilterMixin, VisibleFilterSet):
    within = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(), method="filter_within", label=_("Mapped in this jurisdiction or below")
    )

    class Meta:
        model = StakeholderMapping
        fields = ["jurisdiction", "organisation", "engagement_level", "influence", "interest"]


class StakeholderMappingViewSet(ServiceModelViewSet):
    """The stakeholder map per jurisdiction (influence, interest, engagement level, prevention level,
    services offered): read by coordinators and liaisons of the jurisdiction, kept by coordinators."""

    serializer_class = StakeholderMappingSerializer
    filterset_class = StakeholderMappingFilter
    ordering_fields = ["influence", "interest", "engagement_level", "updated_at"]
    queryset = StakeholderMapping.objects.none()  # for the schema; rows come from get_queryset (the selector)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[StakeholderMapping]:
        return selectors.mapping_list_visible_to(self.actor)

    def create_object(self, data: dict[str, Any]) -> StakeholderMapping:
        return services.mapping_create(actor=self.actor, **data)

    def update_object(self, instance: StakeholderMapping, data: dict[str, Any]) -> StakeholderMapping:
        return services.mapping_update(actor=self.actor, mapping=instance, **data)


class ResourceOfferFilter(_WithinFilterMixin, VisibleFilterSet):
    within = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(), method="filter_within", label=_("Offered to this jurisdiction or below")
    )

    class Meta:
        model = ResourceOffer
        fields = ["organisation", "jurisdiction", "status", "kind"]


class ResourceOfferViewSet(ServiceModelViewSet):
    """What organisations offer the network (money, staff time, material, facilities, expertise,
    training places). ``?status=open&within=<jurisdiction>`` lists the open offers of a jurisdiction."""

    serializer_class = ResourceOfferSerializer
    filterset_class = ResourceOfferFilter
    ordering_fields = ["created_at", "value", "start_date"]
    ordering = ["-created_at", "-id"]
    queryset = ResourceOffer.objects.none()  # for the schema; rows come from get_queryset (the selector)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ResourceOffer]:
        return selectors.offer_list_visible_to(self.actor)

    def create_object(self, data: dict[str, Any]) -> ResourceOffer:
        return services.offer_create(actor=self.actor, **data)

    def update_object(self, instance: ResourceOffer, data: dict[str, Any]) -> ResourceOffer:
        return services.offer_update(actor=self.actor, offer=instance, **data)

from rest_framework.routers import BaseRouter

from stakeholders.api import views


def register(router: BaseRouter) -> None:
    router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
    router.register("sectors", views.SectorViewSet, basename="sector")
    router.register("organisations", views.OrganisationViewSet, basename="organisation")
    router.register("people", views.PersonViewSet, basename="person")
    router.register("positions", views.PositionViewSet, basename="position")
    router.register("partnerships", views.PartnershipViewSet, basename="partnership")
    router.register("stakeholder-mappings", views.StakeholderMappingViewSet, basename="stakeholder-mapping")
    router.register("resource-offers", views.ResourceOfferViewSet, basename="resource-offer")

from rest_framework.routers import BaseRouter

from stakeholders.api import views


def register(router: BaseRouter) -> None:
    router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
    router.register("sectors", views.SectorViewSet, basename="sector")
    router.register("organisations", views.OrganisationViewSet, basename="organisation")

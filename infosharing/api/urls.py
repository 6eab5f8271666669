from rest_framework.routers import BaseRouter

from infosharing.api import views


def register(router: BaseRouter) -> None:
    router.register("sharing-agreements", views.SharingAgreementViewSet, basename="sharing-agreement")
    router.register("information-items", views.InformationItemViewSet, basename="information-item")
    router.register("access-requests", views.AccessRequestViewSet, basename="access-request")

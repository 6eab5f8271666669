from rest_framework.routers import BaseRouter

from coordination.api import views


def register(router: BaseRouter) -> None:
    router.register("committees", views.CommitteeViewSet, basename="committee")
    router.register("meetings", views.MeetingViewSet, basename="meeting")

from rest_framework.routers import BaseRouter

from actionplans.api import views


def register(router: BaseRouter) -> None:
    router.register("frameworks", views.FrameworkViewSet, basename="framework")
    router.register("action-plans", views.PlanViewSet, basename="action-plan")
    router.register("actions", views.ActionViewSet, basename="action")
    router.register("indicators", views.IndicatorViewSet, basename="indicator")
    router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress-update")

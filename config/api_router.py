"""The one API router: every app registers its viewsets in its ``api/urls.py`` ``register``."""

from rest_framework.routers import DefaultRouter

from actionplans.api.urls import register as register_actionplans
from coordination.api.urls import register as register_coordination
from core.api.notifications import register as register_notifications
from core.api.notifications import urlpatterns as notification_urls
from infosharing.api.urls import register as register_infosharing
from stakeholders.api.urls import register as register_stakeholders

router = DefaultRouter()
register_stakeholders(router)
register_coordination(router)
register_actionplans(router)
register_infosharing(router)
register_notifications(router)

app_name = "api"
urlpatterns = router.urls + notification_urls

from django.urls import path

from core import notification_views, views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("api-token/", views.api_token_reset, name="api-token-reset"),
    path("notifications/read/", notification_views.notifications_mark_read, name="notifications-mark-read"),
    path("notifications/", notification_views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification-open"),
    path("notifications/preferences/", notification_views.notification_preferences, name="notification-preferences"),
    path("operations/", notification_views.operations, name="operations"),
    path("operations/deliveries/<int:pk>/retry/", notification_views.delivery_retry, name="delivery-retry"),
]

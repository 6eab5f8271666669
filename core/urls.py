from django.urls import path

from core import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("api-token/", views.api_token_reset, name="api-token-reset"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-mark-read"),
]

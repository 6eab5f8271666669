from django.urls import path

from coordination import views

app_name = "coordination"
urlpatterns = [
    path("", views.committee_list, name="committee-list"),
    path("committees/new/", views.committee_create, name="committee-create"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
    path("committees/<int:pk>/edit/", views.committee_update, name="committee-update"),
    path("committees/<int:pk>/members/new/", views.membership_add, name="membership-add"),
    path("committees/<int:pk>/members/<int:membership_pk>/end/", views.membership_end, name="membership-end"),
    path("committees/<int:pk>/backlog/", views.backlog_propose, name="backlog-propose"),
    path("committees/<int:pk>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/print/", views.meeting_print, name="meeting-print"),
    path("meetings/<int:pk>/edit/", views.meeting_update, name="meeting-update"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting-publish"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/reply/", views.meeting_reply, name="meeting-reply"),
    path("meetings/<int:pk>/invite/", views.meeting_invite, name="meeting-invite"),
    path("meetings/<int:pk>/workspace/", views.meeting_workspace, name="meeting-workspace"),
    path("meetings/<int:pk>/attendance/", views.attendance_edit, name="attendance-edit"),
    path("meetings/<int:pk>/approve/", views.minutes_approve, name="minutes-approve"),
    path("meetings/<int:pk>/reopen/", views.minutes_reopen, name="minutes-reopen"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_item_add, name="agenda-item-add"),
    path("meetings/<int:pk>/agenda/schedule/", views.agenda_item_schedule, name="agenda-item-schedule"),
    path("agenda-items/<int:item_pk>/edit/", views.agenda_item_edit, name="agenda-item-edit"),
    path("agenda-items/<int:item_pk>/move/", views.agenda_item_move, name="agenda-item-move"),
    path("agenda-items/<int:item_pk>/review/", views.proposal_review, name="proposal-review"),
    path("agenda-items/<int:item_pk>/minutes/", views.item_minutes, name="item-minutes"),
    path("decisions/<int:decision_pk>/edit/", views.decision_edit, name="decision-edit"),
    path("calendar/", views.calendar_month, name="calendar"),
    path("calendar/feed/", views.calendar_feed_settings, name="calendar-feed-settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]

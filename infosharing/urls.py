from django.urls import path

from infosharing import views

app_name = "infosharing"

urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("items/new/", views.item_create, name="item-create"),
    path("items/export.csv", views.item_export_csv, name="item-export-csv"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("items/<int:pk>/acknowledge/", views.item_acknowledge, name="item-acknowledge"),
    path("items/<int:pk>/share/", views.item_share, name="item-share"),
    path("items/<int:pk>/relabel/", views.item_relabel, name="item-relabel"),
    path("items/<int:pk>/grants/<int:grant_pk>/revoke/", views.grant_revoke, name="grant-revoke"),
    path("items/<int:pk>/grants/<int:grant_pk>/approve/", views.grant_approve, name="grant-approve"),
    path("items/<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("items/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment-download"),
    path("items/<int:pk>/export.pdf", views.item_export_pdf, name="item-export-pdf"),
    path("items/<int:pk>/log/", views.item_log, name="item-log"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request-decide"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/access/", views.agreement_access, name="agreement-access"),
    path(
        "agreements/<int:pk>/access/grants/<int:grant_pk>/revoke/",
        views.agreement_grant_revoke,
        name="agreement-grant-revoke",
    ),
    path("agreements/<int:pk>/<slug:action>/", views.agreement_action, name="agreement-action"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/new/", views.template_create, name="template-create"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template-edit"),
    path("training/", views.training, name="training"),
    path("permissions/", views.oversight, name="oversight"),
]

from django.urls import path

from actionplans import views

app_name = "actionplans"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("mine/", views.my_actions, name="my-actions"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/at-risk/", views.plan_at_risk, name="plan-at-risk"),
    path("<int:pk>/versions/", views.plan_versions, name="plan-versions"),
    path("<int:pk>/approve/", views.plan_approve, name="plan-approve"),
    path("<int:pk>/evaluation/", views.plan_evaluation, name="plan-evaluation"),
    path("<int:pk>/print/", views.plan_print, name="plan-print"),
    path("<int:pk>/actions.<str:fmt>", views.plan_export, name="plan-export"),
    path("<int:pk>/iati.xml", views.plan_iati, name="plan-iati"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("actions/<int:pk>/report/", views.update_create, name="update-create"),
    path("updates/<int:pk>/", views.update_detail, name="update-detail"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]

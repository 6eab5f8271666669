from django.urls import include, path

from stakeholders import views

app_name = "stakeholders"
urlpatterns = [
    path("jurisdictions/", views.jurisdiction_tree, name="jurisdiction-tree"),
    path("jurisdictions/new/", views.jurisdiction_create, name="jurisdiction-create"),
    path("jurisdictions/<int:pk>/", views.jurisdiction_detail, name="jurisdiction-detail"),
    path("jurisdictions/<int:pk>/edit/", views.jurisdiction_update, name="jurisdiction-update"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_update, name="organisation-update"),
    path("", include("stakeholders.access_urls")),
]

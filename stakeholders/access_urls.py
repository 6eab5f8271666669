from django.urls import path

from stakeholders import access_views

urlpatterns = [
    path("jurisdictions/<int:pk>/access/", access_views.jurisdiction_access, name="jurisdiction-access"),
    path(
        "jurisdictions/<int:pk>/access/<int:role_pk>/revoke/",
        access_views.jurisdiction_role_revoke,
        name="jurisdiction-role-revoke",
    ),
    path("organisations/<int:pk>/people/", access_views.organisation_people, name="organisation-people"),
    path(
        "organisations/<int:pk>/people/<int:membership_pk>/remove/",
        access_views.organisation_member_remove,
        name="organisation-member-remove",
    ),
]

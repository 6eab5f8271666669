from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from stakeholders.models import Jurisdiction, JurisdictionRole, Organisation, OrganisationMembership, Sector


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "level", "parent", "population"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]

    def has_add_permission(self, request: object) -> bool:
        return False  # the tree's paths are kept by the services: add and move from the portal


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "is_security"]


@admin.register(Organisation)
class OrganisationAdmin(GuardedModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "acronym", "kind", "sector", "jurisdiction", "is_active"]
    list_filter = ["kind", "sector", "is_active"]
    search_fields = ["name", "acronym"]
    list_select_related = ["sector", "jurisdiction"]
    autocomplete_fields = ["parent"]


admin.site.register(OrganisationMembership)
admin.site.register(JurisdictionRole)

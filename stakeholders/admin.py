from django.contrib import admin

from stakeholders.models import (
    ImportBatch,
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationGrant,
    OrganisationMembership,
    Partnership,
    Person,
    Position,
    ResourceOffer,
    Sector,
    StakeholderMapping,
)


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "population"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]

    def has_add_permission(self, request: object) -> bool:
        return False  # the tree's paths are kept by the services: add and move from the portal


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_security"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "sector", "jurisdiction", "is_active"]
    list_filter = ["kind", "sector", "is_active"]
    search_fields = ["name", "acronym"]
    list_select_related = ["sector", "jurisdiction"]
    autocomplete_fields = ["parent"]


@admin.register(OrganisationGrant)
class OrganisationGrantAdmin(admin.ModelAdmin):
    """Grants are written through the services (audited, with a reason): read-only here."""

    list_display = ["target", "permission", "grantee_kind", "grantee_id", "granted_by", "expires_at", "revoked_at"]
    list_filter = ["permission", "grantee_kind"]
    list_select_related = ["target", "granted_by"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register(OrganisationMembership)
admin.site.register(JurisdictionRole)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Personal data: the portal's pages apply the contact-details rule; the admin is for platform admins."""

    list_display = ["full_name", "jurisdiction", "contact_consent_at"]
    search_fields = ["full_name"]
    list_select_related = ["jurisdiction"]
    raw_id_fields = ["user"]
    inlines = [PositionInline]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "partner", "kind", "start_date", "end_date"]
    list_filter = ["kind"]
    autocomplete_fields = ["organisation", "partner"]


@admin.register(StakeholderMapping)
class StakeholderMappingAdmin(admin.ModelAdmin):
    list_display = ["organisation", "jurisdiction", "influence", "interest", "engagement_level"]
    list_filter = ["engagement_level"]
    autocomplete_fields = ["organisation"]


@admin.register(ResourceOffer)
class ResourceOfferAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "status", "jurisdiction"]
    list_filter = ["kind", "status"]
    autocomplete_fields = ["organisation"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "owner", "status", "row_count", "created_count", "created_at"]
    list_filter = ["kind", "status"]
    exclude = ["rows"]
    readonly_fields = [
        "owner",
        "kind",
        "filename",
        "encoding",
        "status",
        "errors",
        "notices",
        "row_count",
        "created_count",
        "committed_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False  # imports go through the portal's preview and commit

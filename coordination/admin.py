from django.contrib import admin

from coordination.models import Committee, CommitteeMembership, Meeting


class MembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["person"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    """Read mostly: committees are created and changed through the portal's services."""

    list_display = ["name", "kind", "jurisdiction", "parent", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "acronym"]
    list_select_related = ["jurisdiction", "parent"]
    inlines = [MembershipInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "committee", "starts_at", "status", "is_confidential"]
    list_filter = ["status", "is_confidential"]
    search_fields = ["title"]
    list_select_related = ["committee"]
    readonly_fields = ["uid", "sequence", "occurrence_start", "series"]

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from core import services
from core.models import AuditEvent, Notification, User, WorkerHeartbeat


class PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password change also ends the user's API token and calendar feed."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit:
            services.user_credentials_revoke(user=user, reason="password changed in the admin")
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = PasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "is_superuser", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    actions = ["deactivate"]

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        """Unticking "active" deactivates as the action does: tokens, feed and sessions end, so
        ticking it again later revives none of them."""
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            assert isinstance(request.user, User)
            services.user_deactivate(actor=request.user, user=obj, reason="Unticked active in the admin")

    @admin.action(description="Deactivate and end their sessions now")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        assert isinstance(request.user, User)
        for user in queryset:
            services.user_deactivate(actor=request.user, user=user, reason="Deactivated in the admin")
        self.message_user(request, f"{queryset.count()} account(s) deactivated.", messages.SUCCESS)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_repr"]
    list_filter = ["action"]
    search_fields = ["target_repr", "reason"]
    list_select_related = ["actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.register(Notification)
admin.site.register(WorkerHeartbeat)

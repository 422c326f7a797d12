"""Admin screens for user accounts, with role and scope."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from accounts.admin_site import AuditedAdmin, OfficePermissionsMixin, ViewOnlyMixin
from accounts.models import User

# Access follows the user's role and scope, not Django's permission groups.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(OfficePermissionsMixin, AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser", "streets"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["streets", "units"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("last_name", "first_name", "email")}),
        ("状态", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("登录记录", {"fields": ("last_login", "date_joined")}),
    ) + (("角色与负责范围", {"fields": ["role", "streets", "units"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("角色与负责范围", {"fields": ["role", "streets", "units"]}),)

    actions = ["unlock_login"]

    @admin.action(description="解除所选账号的登录锁定")
    def unlock_login(self, request, queryset):
        cleared = sum(axes_reset(username=user.username) for user in queryset)
        self.message_user(request, f"已解除锁定，清除登录失败记录 {cleared} 条。", messages.SUCCESS)


class LoginRecordsMixin(ViewOnlyMixin):
    """django-axes' login records for the admin role: read them, delete an attempt to unlock."""

    def has_delete_permission(self, request, obj=None):
        return OfficePermissionsMixin.has_delete_permission(self, request, obj)


for model, model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (LoginRecordsMixin, model_admin), {}))

"""Admin screens for user accounts, with role and scope."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group
from django.utils.text import format_lazy

from accounts.admin_site import AuditedAdmin, OfficePermissionsMixin, ViewOnlyMixin
from accounts.models import User

# Access follows the user's role and scope, not Django's permission groups.
admin.site.unregister(Group)


class UserPasswordForm(AdminPasswordChangeForm):
    """Django's form for setting a user's password, with its warning in Chinese (Django writes it
    in English, outside its catalogue)."""

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        "停用后，该用户现在的密码将作废。",
    )


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
    change_password_form = UserPasswordForm

    actions = ["unlock_login"]

    @admin.action(description="解除所选账号的登录锁定")
    def unlock_login(self, request, queryset):
        cleared = sum(axes_reset(username=user.username) for user in queryset)
        self.message_user(request, f"已解除锁定，清除登录失败记录 {cleared} 条。", messages.SUCCESS)


class LoginRecordsMixin(ViewOnlyMixin):
    """django-axes' login records for the admin role: read them, delete an attempt to unlock."""

    def has_delete_permission(self, request, obj=None):
        return OfficePermissionsMixin.has_delete_permission(self, request, obj)


class LoginAttemptAdmin(LoginRecordsMixin, AccessAttemptAdmin):
    """axes' own column and action write their text in English, outside its catalogue."""

    @admin.display(description="状态")
    def status(self, obj):
        remaining = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return f"还可尝试 {remaining} 次" if remaining > 0 else "已锁定"

    @admin.action(description="清除已过期的登录尝试")
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"已清除过期的登录尝试 {count} 条。", messages.SUCCESS)


class LoginLogAdmin(LoginRecordsMixin, AccessLogAdmin):
    pass


class LoginFailureLogAdmin(LoginRecordsMixin, AccessFailureLogAdmin):
    pass


for model, model_admin in (
    (AccessAttempt, LoginAttemptAdmin),
    (AccessLog, LoginLogAdmin),
    (AccessFailureLog, LoginFailureLogAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)

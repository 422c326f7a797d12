"""Admin screens for user accounts, with role and scope."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_site import OfficePermissionsMixin
from accounts.models import User

# Access follows the user's role and scope, not Django's permission groups.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(OfficePermissionsMixin, SimpleHistoryAdmin, BaseUserAdmin):
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

"""Admin screens for user accounts, with role and scope: an office admin manages the users of their
node and below (projects.scoping.managed_rows), the operator everyone."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import format_lazy

from accounts.admin_site import AuditedAdmin, OfficePermissionsMixin, ViewOnlyMixin
from accounts.models import User
from projects.scoping import managed_rows
from projects.services.offices import user_place_check

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


PLACE_FIELDS = ["region", "role", "streets", "units"]


class UserPlaceFormMixin:
    """A user's office or district, role, streets and units must fit together and lie under the
    acting admin's node (services.offices.user_place_check)."""

    acting_user = None  # set by UserAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        if any(field in self.errors for field in PLACE_FIELDS):
            return cleaned  # a refused choice already says why
        try:
            user_place_check(
                by=self.acting_user,
                region=cleaned.get("region"),
                role=cleaned.get("role"),
                streets=cleaned.get("streets") or [],
                units=cleaned.get("units") or [],
                is_superuser=cleaned.get("is_superuser", self.instance.is_superuser),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class UserPlaceChangeForm(UserPlaceFormMixin, UserChangeForm):
    pass


class UserPlaceAddForm(UserPlaceFormMixin, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(OfficePermissionsMixin, AuditedAdmin, BaseUserAdmin):
    """Users of the office's node and below: their office or district (所属项目办/区县), role, and
    for staff the streets and units they report for, all under the node."""

    region_path = "region"
    list_display = ["username", "last_name", "first_name", "role", "region", "is_active", "last_login"]
    list_filter = [
        "role",
        "is_active",
        "is_superuser",
        ("region", RelatedOnlyFieldListFilter),  # only the offices and streets of the admin's own users
        ("streets", RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["region"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["streets", "units"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("last_name", "first_name", "email")}),
        ("状态", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("登录记录", {"fields": ("last_login", "date_joined")}),
    ) + (("所属项目办、角色与负责范围", {"fields": PLACE_FIELDS}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("所属项目办、角色与负责范围", {"fields": PLACE_FIELDS}),)
    form = UserPlaceChangeForm
    add_form = UserPlaceAddForm
    change_password_form = UserPasswordForm

    actions = ["unlock_login"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def get_readonly_fields(self, request, obj=None):
        # Only the operator makes an operator: an office admin cannot lift anyone above its node.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_staff", "is_superuser"]
        return readonly

    @admin.action(description="解除所选账号的登录锁定")
    def unlock_login(self, request, queryset):
        cleared = sum(axes_reset(username=user.username) for user in queryset)
        self.message_user(request, f"已解除锁定，清除登录失败记录 {cleared} 条。", messages.SUCCESS)


class LoginRecordsMixin(ViewOnlyMixin):
    """django-axes' login records for the admin role: read them, delete an attempt to unlock. An
    office reads the records of its own users' names; the operator every record (typed names of
    no user included)."""

    def scope(self, request):
        if request.user.is_superuser:
            return Q()
        return Q(username__in=User.objects.filter(managed_rows(request.user, "region")).values("username"))

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

"""The admin site of the project office: open to the admin role only, behind the one login page."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import is_office_admin


class OfficeAdminSite(admin.AdminSite):
    site_header = "重点项目跟踪 · 区项目办"
    site_title = "重点项目跟踪"
    index_title = "项目办管理"

    def has_permission(self, request):
        return is_office_admin(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def checked_view(request, *args, **kwargs):
            # Visitors sign in on the application's one login page; a signed-in staff user or
            # leader is refused outright rather than sent round a login loop.
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied("只有项目办管理员可以进入管理后台。")
            return inner(request, *args, **kwargs)

        return update_wrapper(checked_view, view)

    def login(self, request, extra_context=None):
        """All sign-ins go through the application's login page, which is throttled."""
        next_url = request.GET.get("next") or request.get_full_path().replace("login/", "", 1)
        return redirect_to_login(next_url)


class OfficePermissionsMixin:
    """For model admins and inlines: the admin role may do everything, nobody else anything."""

    def has_module_permission(self, request):
        return is_office_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_office_admin(request.user)

    def has_add_permission(self, request, *args):
        return is_office_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_office_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_office_admin(request.user)


class ViewOnlyMixin(OfficePermissionsMixin):
    """Rows whose changes go through the application's own pages (and their rules) only."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(SimpleHistoryAdmin):
    """The history screens of django-simple-history, read-only: reverting from a past version
    would write around the application's checks, so its form refuses to save. An id in the
    address that names nothing (``abc``) answers 404; a model without a version history shows
    the admin's own change log."""

    def history_view(self, request, object_id, extra_context=None):
        self.ids_or_404(object_id)
        if not self.has_versions():
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("变更记录只能查看，不能用于恢复旧版本。")
        if not self.has_versions():
            raise Http404("该对象没有版本记录。")
        self.ids_or_404(object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_versions(self):
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def ids_or_404(self, object_id, version_id=None):
        """Ids are parsed before they reach a query, where "abc" for a number raises ValueError."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
                history.model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404("没有找到该记录。") from None


class OfficeModelAdmin(OfficePermissionsMixin, AuditedAdmin):
    """Admin base: role-checked, audited (history view), and rows come through ``visible_to``."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(request.user)
        return queryset

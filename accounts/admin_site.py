"""The admin site of the project offices: open to the admin role only, behind the one login page.
Each office sees and changes only what lies under its node of the administrative tree
(projects.scoping); the operator (a superuser) everything."""

from functools import update_wrapper

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from accounts.roles import is_office_admin
from projects.scoping import NOTHING, known_people, managed_rows, visible_projects

NOT_FOUND = "没有找到该记录。"  # the same words whether a row does not exist or lies outside the office
UNNAMED = "（其他项目办）"  # a person, street or unit of an office beside the viewer's, in a change history


class OfficeAdminSite(admin.AdminSite):
    site_header = "重点项目跟踪 · 项目办"
    site_title = "重点项目跟踪"
    index_title = "项目办管理"

    def has_permission(self, request):
        return is_office_admin(request.user)

    def each_context(self, request):
        """The header names the office whose node the screens show (the operator's: 系统运维)."""
        context = super().each_context(request)
        user = request.user
        if user.is_authenticated and user.is_superuser:
            context["site_header"] = "重点项目跟踪 · 系统运维"
        elif user.is_authenticated and user.region_id:
            context["site_header"] = f"重点项目跟踪 · {user.region.office_name}"
        return context

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
    """For model admins and inlines: the admin role may do everything under their office's node,
    nobody else anything.

    Rows come through ``scope``: a model reached from a project follows the project's visibility
    (scoping.visible_projects through its queryset's ``project_path``, as ``visible_to`` does; a
    filter rather than a queryset, so that it applies to the model's history rows too); a model
    tied to a region names the path (``region_path``, e.g. "district") and follows
    ``scoping.managed_rows``; a model that says neither is the operator's only. The choices of
    foreign keys and many-to-many fields (autocompletes included, through the related model's
    admin) are limited the same way, and a row outside the office answers 404 like one that does
    not exist.
    """

    region_path = None

    def scope(self, request):
        """The filter over this model's rows (and its history rows) the user manages here."""
        return model_scope(request, self.model, self.region_path)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.scope(request))

    def get_field_queryset(self, db, db_field, request):
        """Choices of a foreign key or many-to-many field: only the rows the related model's admin
        shows this user (none but the operator's for a model without one)."""
        queryset = super().get_field_queryset(db, db_field, request)
        related = db_field.remote_field.model
        if queryset is None:
            queryset = related._default_manager.using(db).all()
        related_admin = self.admin_site._registry.get(related)
        if isinstance(related_admin, OfficePermissionsMixin):
            return queryset.filter(related_admin.scope(request))
        return queryset if request.user.is_superuser else queryset.none()

    def get_form(self, request, obj=None, **kwargs):
        return keeping_current_choices(super().get_form(request, obj, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        # Inlines only (a model admin has no formset of its own).
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = keeping_current_choices(formset.form)
        return formset

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with a message; a row outside the office must look exactly
        # like one that does not exist, and both answer 404 as on the application's own pages.
        raise Http404(NOT_FOUND)

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


class KeepsCurrentChoices:
    """A row's current related values stay among its choices though they lie outside the office
    (a city's leader on a district's visit): saving the row unchanged must neither drop them
    silently (many-to-many) nor refuse (foreign key). Only the current value is added, never
    another of the office beside or above."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, formfield in self.fields.items():
            if not isinstance(formfield, forms.ModelChoiceField):
                continue
            field = self.instance._meta.get_field(name)
            if field.many_to_many:
                current = getattr(self.instance, name).values("pk")
            elif field.many_to_one and getattr(self.instance, field.attname) is not None:
                current = [getattr(self.instance, field.attname)]
            else:
                continue
            formfield.queryset = formfield.queryset | formfield.queryset.model._default_manager.filter(pk__in=current)


def keeping_current_choices(form_class):
    if issubclass(form_class, KeepsCurrentChoices):
        return form_class
    return type(form_class.__name__, (KeepsCurrentChoices, form_class), {})


def model_scope(request, model, region_path=None):
    """The filter over ``model``'s rows an office admin manages (see OfficePermissionsMixin)."""
    user = request.user
    if region_path:
        return managed_rows(user, region_path)
    project_path = getattr(model._default_manager.all(), "project_path", None)
    if project_path is not None:
        return visible_projects(user, project_path)
    return Q() if user.is_superuser else NOTHING


class AuditedAdmin(SimpleHistoryAdmin):
    """The history screens of django-simple-history, read-only: reverting from a past version
    would write around the application's checks, so its form refuses to save. An id in the
    address that names nothing (``abc``), or a row outside the office, answers 404; a model
    without a version history shows the admin's own change log.

    Histories are read where the row lies now (a deleted row: where its last version lay), through
    the admin's ``scope`` (OfficePermissionsMixin); people, streets and units of an office beside
    the viewer's are not named in them."""

    def history_view(self, request, object_id, extra_context=None):
        self.object_or_404(request, object_id)
        if not self.has_versions():
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("变更记录只能查看，不能用于恢复旧版本。")
        if not self.has_versions():
            raise Http404("该对象没有版本记录。")
        self.object_or_404(request, object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_versions(self):
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def history_manager(self):
        return getattr(self.model, self.model._meta.simple_history_manager_attribute)

    def ids_or_404(self, object_id, version_id=None):
        """Ids are parsed before they reach a query, where "abc" for a number raises ValueError."""
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                self.history_manager().model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404(NOT_FOUND) from None
        return pk

    def object_or_404(self, request, object_id, version_id=None):
        """404 unless the row lies in the office's scope now, or, deleted, its last version did."""
        pk = self.ids_or_404(object_id, version_id)
        if self.get_queryset(request).filter(pk=pk).exists():
            return
        if self.has_versions() and not self.model._default_manager.filter(pk=pk).exists():
            versions = self.history_manager().filter(**{self.model._meta.pk.attname: pk})
            last = versions.order_by("-history_date", "-history_id").values("history_id")[:1]
            if versions.filter(history_id__in=last).filter(self.scope(request)).exists():
                return
        raise Http404(NOT_FOUND)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        names = NamedRows(request, self.admin_site)
        for record in historical_records:
            record.history_user_unnamed = not names.is_named(record.history_user)
        request.office_named_rows = names
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)

    def get_historical_record_context_helper(self, request, historical_record):
        names = getattr(request, "office_named_rows", None) or NamedRows(request, self.admin_site)
        return ScopedRecordContextHelper(self.model, historical_record, names=names)


class NamedRows:
    """Which related rows a history may name to this viewer: people they know
    (scoping.known_people), streets, units and other rows their office's admins show them, and
    every region (the administrative tree is public). Each model is read once per page."""

    def __init__(self, request, admin_site):
        self.request, self.admin_site, self.ids = request, admin_site, {}

    def is_named(self, obj):
        if not isinstance(obj, models.Model) or self.request.user.is_superuser:
            return True
        model = type(obj)
        if model._meta.label == "projects.Region":
            return True
        if model not in self.ids:
            if model is get_user_model():
                rows = model._default_manager.filter(known_people(self.request.user))
            else:
                related_admin = self.admin_site._registry.get(model)
                is_ours = isinstance(related_admin, OfficePermissionsMixin)
                rows = model._default_manager.filter(related_admin.scope(self.request) if is_ours else NOTHING)
            self.ids[model] = set(rows.values_list("pk", flat=True))
        return obj.pk in self.ids[model]


class ScopedRecordContextHelper(HistoricalRecordContextHelper):
    """simple-history's formatting of a version's changes, with rows the viewer may not name
    written as 其他项目办."""

    def __init__(self, model, historical_record, *, names, **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.names = names

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, list):
            return [item if self.names.is_named(item) else UNNAMED for item in value]
        # In the words of the project page's history (projects.selectors.history): a choice by its
        # Chinese label, an empty value as （空）, never "None" or a stored key such as "done".
        if value is None or value == "":
            return "（空）"
        field = self.model._meta.get_field(change.field)
        if field.choices and not field.is_relation:
            return str(dict(field.flatchoices).get(value, value))
        return value if self.names.is_named(value) else UNNAMED


class OfficeModelAdmin(OfficePermissionsMixin, AuditedAdmin):
    """Admin base: role-checked, audited (history view), and rows come through the office's scope."""

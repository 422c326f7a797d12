"""One project's approval items (前期手续): the list with its lights, applying a template, adding,
changing and dropping an item, its attachment; and the project page's 前期手续 card."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views import View

from accounts.roles import is_office_admin
from approvals.choices import ItemStatus
from approvals.forms import ItemAddForm, ItemAdminForm, ItemDeleteForm, ItemProgressForm, TemplateApplyForm
from approvals.models import ApprovalItem, ApprovalTemplate
from approvals.selectors.lights import calendar_notice, items_with_lights, yellow_horizon
from approvals.services.attachments import CONTENT_TYPES
from approvals.services.items import (
    ItemConflict,
    item_add,
    item_delete,
    item_keepable,
    item_last_change,
    item_update,
    items_manageable,
    template_apply,
)
from projects import clock
from projects.access import project_access
from projects.models import Project
from projects.views.mixins import add_service_errors

DOWNLOAD_SUFFIXES = {"pdf": (".pdf",), "jpg": (".jpg", ".jpeg"), "png": (".png",)}


def _items(user, project):
    return ApprovalItem.objects.visible_to(user).filter(project=project).select_related("department")


def _sees_project(user, project):
    """Whether the project's own page opens for the user (a department's staff may read only its items)."""
    return Project.objects.visible_to(user).filter(pk=project.pk).exists()


def _project_or_404(user, pk):
    """A project whose items the user may read: one they see, or one with an item of their
    department's (scoping.unit_rows); 404 for any other."""
    project = get_object_or_404(Project.objects.select_related("district", "street"), pk=pk)
    project.sees_project = _sees_project(user, project)
    if not (project.sees_project or ApprovalItem.objects.visible_to(user).filter(project=project).exists()):
        raise Http404("没有这个项目，或不在您的负责范围内。")
    return project


def _templates(user, project):
    """The templates an admin may apply to ``project``: their office's, of the project's district."""
    from projects.scoping import managed_rows

    return ApprovalTemplate.objects.filter(managed_rows(user, "district"), district_id=project.district_id)


def _render_project_items(request, project, *, add_form=None, apply_form=None, status=200):
    user = request.user
    today = clock.today()
    items = items_with_lights(_items(user, project), today)
    manages = items_manageable(user, project)
    kept = set(ApprovalItem.objects.kept_by(user).filter(project=project).values_list("pk", flat=True))
    for item in items:
        item.keepable = item.pk in kept
    templates = _templates(user, project) if manages else ApprovalTemplate.objects.none()
    context = {
        "project": project,
        "sees_project": project.sees_project,
        "items": items,
        "done": sum(1 for item in items if item.status == ItemStatus.DONE),
        "needed": sum(1 for item in items if item.status != ItemStatus.NOT_NEEDED),
        "manages": manages,
        "templates": templates,
        "apply_form": apply_form or TemplateApplyForm(templates=templates),
        "add_form": add_form or ItemAddForm(project=project),
        "delete_form": ItemDeleteForm(),
        "today": today,
        "yellow_days": settings.KP_APPROVAL_YELLOW_WORKDAYS,
        "notice": calendar_notice(today, yellow_horizon(today), *(item.due_date for item in items)),
    }
    return render(request, "approvals/project_items.html", context, status=status)


class ProjectItemsView(LoginRequiredMixin, View):
    """GET: a project's approval items in order, with their lights; an admin's forms to configure them."""

    def get(self, request, pk):
        return _render_project_items(request, _project_or_404(request.user, pk))


class _ManageView(LoginRequiredMixin, View):
    """POST only, office admins only: out-of-scope projects answer 404, others' roles 403."""

    http_method_names = ["post"]

    def project(self, request, pk):
        project = _project_or_404(request.user, pk)
        if not items_manageable(request.user, project):
            raise PermissionDenied("只有项目办管理员可以配置项目的前期手续。")
        return project


class TemplateApplyView(_ManageView):
    def post(self, request, pk):
        project = self.project(request, pk)
        form = TemplateApplyForm(request.POST, templates=_templates(request.user, project))
        if not form.is_valid():
            return _render_project_items(request, project, apply_form=form)
        try:
            created, skipped = template_apply(
                user=request.user, project=project, template=form.cleaned_data["template"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return _render_project_items(request, project, apply_form=form)
        messages.success(request, f"已添加{len(created)}项，跳过{len(skipped)}项（已有）。")
        return redirect("approvals:project_items", project.pk)


class ItemCreateView(_ManageView):
    def post(self, request, pk):
        project = self.project(request, pk)
        form = ItemAddForm(request.POST, project=project)
        if form.is_valid():
            try:
                item = item_add(user=request.user, project=project, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已添加事项「{item.name}」。")
                return redirect("approvals:project_items", project.pk)
        return _render_project_items(request, project, add_form=form)


class ItemEditView(LoginRequiredMixin, View):
    """GET: the item's form for those who keep it, its facts for those who only read it. POST: save."""

    template_name = "approvals/item_form.html"

    def item(self, request, pk):
        queryset = ApprovalItem.objects.visible_to(request.user).select_related("project__district", "department")
        return get_object_or_404(queryset, pk=pk)

    def form_class(self, request, item):
        return ItemAdminForm if items_manageable(request.user, item.project) else ItemProgressForm

    def render(self, request, item, form, status=200):
        today = clock.today()
        (item,) = items_with_lights([item], today)
        changed_at, changed_by = item_last_change(request.user, item)
        context = {
            "item": item,
            "project": item.project,
            "sees_project": _sees_project(request.user, item.project),
            "form": form,
            "changed_at": changed_at,
            "changed_by": changed_by,
            "today": today,
            "notice": calendar_notice(today, yellow_horizon(today), item.due_date),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        item = self.item(request, pk)
        form = self.form_class(request, item)(item=item) if item_keepable(request.user, item) else None
        return self.render(request, item, form)

    def post(self, request, pk):
        item = self.item(request, pk)
        if not item_keepable(request.user, item):
            raise PermissionDenied("您只能查看该事项，不能修改。")
        form_class = self.form_class(request, item)
        form = form_class(request.POST, request.FILES, item=item)
        if form.is_valid():
            try:
                item_update(user=request.user, item=item, **form.service_kwargs())
            except ItemConflict as conflict:
                # Keep what the user typed, now over the stored state: a second submit is deliberate.
                data = request.POST.copy()
                data["updated_at"] = conflict.item.updated_at.isoformat()
                form = form_class(data, item=conflict.item)
                form.is_valid()
                form.add_error(None, conflict.messages)
                return self.render(request, conflict.item, form, status=409)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已保存事项「{item.name}」。")
                return redirect("approvals:project_items", item.project_id)
        return self.render(request, item, form)


class ItemDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        item = get_object_or_404(ApprovalItem.objects.visible_to(request.user).select_related("project"), pk=pk)
        if not items_manageable(request.user, item.project):
            raise PermissionDenied("只有项目办管理员可以删除前期手续事项。")
        form = ItemDeleteForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"未删除「{item.name}」：请填写删除原因。")
        else:
            try:
                item_delete(user=request.user, item=item, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                messages.error(request, f"未删除「{item.name}」：{'；'.join(error.messages)}")
            else:
                messages.success(request, f"已删除事项「{item.name}」，原因已记入变更记录。")
        return redirect("approvals:project_items", item.project_id)


def _download_name(item):
    """The name the file was uploaded with, ending in its real kind (a JPEG sent as .pdf says .jpg)."""
    name = item.attachment_name or "批复文件"
    suffixes = DOWNLOAD_SUFFIXES[item.attachment_extension]
    return name if name.lower().endswith(suffixes) else f"{name}{suffixes[0]}"


class ItemAttachmentView(LoginRequiredMixin, View):
    """The item's attachment, through the scope check: out of scope, or no file, answers 404."""

    def get(self, request, pk):
        item = get_object_or_404(ApprovalItem.objects.visible_to(request.user), pk=pk)
        if not item.attachment or item.attachment_extension not in CONTENT_TYPES:
            raise Http404("该事项没有批复文件。")
        try:
            attachment = item.attachment.open("rb")
        except FileNotFoundError:  # the storage lost it (removed by hand, restored without media)
            raise Http404("批复文件已不在服务器上，请重新上传。") from None
        response = FileResponse(attachment, content_type=CONTENT_TYPES[item.attachment_extension])
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(_download_name(item))}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def approvals_section(request, project):
    """The project page's 前期手续 card: its items with status and light, done of total, a link to
    the items page. Every viewer of the project reads it; a constant number of queries."""
    user = request.user
    today = clock.today()
    items = items_with_lights(_items(user, project), today)
    return render_to_string(
        "approvals/_project_approvals.html",
        {
            "project": project,
            "items": items,
            "done": sum(1 for item in items if item.status == ItemStatus.DONE),
            "needed": sum(1 for item in items if item.status != ItemStatus.NOT_NEEDED),
            "manages": is_office_admin(user) and project_access(request, project).edits,  # items_manageable's rule
        },
        request=request,
    )

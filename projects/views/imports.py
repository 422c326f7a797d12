"""Importing the municipal lists (admins only): upload → preview → confirm; errors as .xlsx. An
office sees and confirms the imports of its own node and of the offices under it; another
office's import answers 404."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from projects import clock
from projects.choices import RegionKind
from projects.exporters.xlsx import simple_workbook
from projects.forms import ImportUploadForm
from projects.import_forms import MatchDecisionsForm
from projects.importers.formats import CONTENT_TYPES
from projects.importers.template import template_workbook
from projects.models import ImportRecord, Listing
from projects.services.import_plans import STATUS_LABELS
from projects.services.imports import (
    decide_matches,
    error_rows,
    import_confirm,
    import_upload,
    undecided_matches,
)
from projects.views.exports import XLSX, as_attachment
from projects.views.mixins import OfficeAdminRequiredMixin, add_service_errors


def xlsx_response(content, filename):
    """A small .xlsx built in memory (error list, template)."""
    return as_attachment(HttpResponse(content, content_type=XLSX), filename)


class ImportListView(OfficeAdminRequiredMixin, TemplateView):
    template_name = "projects/import_list.html"

    def get_context_data(self, form=None, **kwargs):
        user = self.request.user
        latest = Listing.objects.visible_to(user).order_by("-year").values_list("year", flat=True).first()
        default_year = max(latest + 1 if latest else clock.today().year, 2000)
        return super().get_context_data(
            form=form or ImportUploadForm(initial={"year": default_year}, user=user),
            office=None if user.is_superuser else user.region,
            records=ImportRecord.objects.visible_to(user).select_related("uploaded_by", "applied_by", "region")[:50],
            **kwargs,
        )

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            record, plan = import_upload(
                user=request.user,
                upload=form.cleaned_data["file"],
                region=form.cleaned_data.get("region"),
                **_year_level(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        if plan.ok:
            messages.success(request, "文件已读取，请核对预览，确认后才会写入。")
        else:
            messages.error(request, f"文件被拒绝，未写入任何数据：共 {len(plan.errors)} 个错误，见下方。")
        return redirect(record.get_absolute_url())


def _year_level(form):
    return {"year": form.cleaned_data["year"], "level": form.cleaned_data["level"]}


class ImportDetailView(OfficeAdminRequiredMixin, TemplateView):
    """The preview of an upload: every row as new / changed (with the differences) / unchanged,
    the totals, the file's own subtotal checks, and its errors."""

    template_name = "projects/import_detail.html"

    def get_context_data(self, pk, **kwargs):
        records = ImportRecord.objects.visible_to(self.request.user)
        record = get_object_or_404(records.select_related("uploaded_by", "applied_by", "region"), pk=pk)
        summary = record.summary or {}
        rows = summary.get("rows", [])
        status = self.request.GET.get("status")
        return super().get_context_data(
            record=record,
            summary=summary,
            rows=[row for row in rows if not status or row["status"] == status],
            status=status,
            status_labels=STATUS_LABELS,
            several_districts=record.region is None or record.region.kind != RegionKind.DISTRICT,
            undecided=undecided_matches(summary),
            has_sub_items=any(row.get("sub_items") for row in rows),
            **kwargs,
        )


class ImportMatchesView(OfficeAdminRequiredMixin, View):
    """The admin's answers to a preview's proposed matches (同一项目 or a new one), kept with it."""

    http_method_names = ["post"]

    def post(self, request, pk):
        record = get_object_or_404(ImportRecord.objects.visible_to(request.user), pk=pk)
        form = MatchDecisionsForm(request.POST, matches=(record.summary or {}).get("suggested_matches", []))
        if not form.is_valid():
            messages.error(request, "；".join(message for errors in form.errors.values() for message in errors))
            return redirect(f"{record.get_absolute_url()}#matches")
        try:
            record, plan = decide_matches(user=request.user, record=record, answers=form.answers)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            left = len(plan.undecided)
            messages.success(request, f"已保存匹配选择{f'，还有 {left} 条未选择' if left else ''}。")
        return redirect(f"{record.get_absolute_url()}#matches")


class ImportConfirmView(OfficeAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        record = get_object_or_404(ImportRecord.objects.visible_to(request.user), pk=pk)
        try:
            record = import_confirm(user=request.user, record=record)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(
                request, f"已导入：新增 {record.created} 个，更新 {record.updated} 个，无变化 {record.unchanged} 个。"
            )
        return redirect(record.get_absolute_url())


class ImportErrorsView(OfficeAdminRequiredMixin, View):
    def get(self, request, pk):
        record = get_object_or_404(ImportRecord.objects.visible_to(request.user), pk=pk)
        content = simple_workbook(
            "错误清单", ["类型", "工作表", "行号", "列", "说明"], error_rows(record), widths=[8, 24, 8, 16, 80]
        )
        return xlsx_response(content, record.download_name(prefix="导入错误-"))


class ImportFileView(OfficeAdminRequiredMixin, View):
    """The kept original file, as uploaded, under the extension and content type of its format
    (.xlsx, .xls or .ods, as its bytes told when it was kept), never under the name it came with,
    which could make a browser open it as something else; a refused one is not kept."""

    def get(self, request, pk):
        record = get_object_or_404(ImportRecord.objects.visible_to(request.user), pk=pk)
        if not record.file:
            raise Http404("该导入被拒绝，原文件未保留。")
        name = record.download_name(kept_file=True)
        content_type = CONTENT_TYPES[PurePosixPath(name).suffix]
        return as_attachment(FileResponse(record.file.open("rb"), content_type=content_type), name)


class ImportTemplateView(OfficeAdminRequiredMixin, View):
    def get(self, request):
        return xlsx_response(template_workbook(), "重点项目清单导入模板.xlsx")

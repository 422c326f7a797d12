"""Excel downloads: the progress table, the problem ledger, the 四个一 table and the filtered
project list; each in the viewer's scope, with the same filters as its page."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import redirect
from django.views import View

from projects.exporters.lists import write_leader_table, write_listing_list, write_problem_ledger
from projects.exporters.progress import title_for, write_progress_table
from projects.exporters.xlsx import temporary_file
from projects.filtersets import ProblemFilterSet, filter_errors, listing_filterset
from projects.forms import ProgressExportForm, form_errors
from projects.selectors.problems import problem_list
from projects.selectors.progress import progress_table
from projects.selectors.projects import leader_assignments
from projects.views.mixins import overview_params, region_from

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_attachment(response, filename):
    """Mark ``response`` as a download named ``filename`` (Chinese names kept, RFC 5987)."""
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def download(file, filename):
    """An .xlsx streamed from an open file (exports written to a temporary file)."""
    return as_attachment(FileResponse(file, content_type=XLSX), filename)


class ProgressTableExportView(LoginRequiredMixin, View):
    """The progress table of the node ``?region=`` names (the user's own by default)."""

    def get(self, request):
        region = region_from(request)  # a node the user may not read: 404
        form = ProgressExportForm(request.GET, user=request.user, region=region)
        if not form.is_valid() and ({"street", "unit"} & set(form.errors)):
            # A table of the whole district under a street's name (or the reverse) must never go out.
            messages.warning(request, "筛选条件有误：" + form_errors(form))
            return redirect("projects:overview")
        period, level = overview_params(request)
        table = progress_table(
            user=request.user,
            year=period.year,
            month=period.month,
            level=level,
            region=region,
            street=form.cleaned_data.get("street"),
            unit=form.cleaned_data.get("unit"),
        )
        return download(temporary_file(write_progress_table, table), f"{title_for(table)}.xlsx")


class ProblemLedgerExportView(LoginRequiredMixin, View):
    def get(self, request):
        filterset = ProblemFilterSet(request.GET, queryset=problem_list(user=request.user), user=request.user)
        if not filterset.is_valid():
            messages.warning(request, "筛选条件有误：" + filter_errors(filterset))
            return redirect("projects:problem_list")
        problems = filterset.qs.order_by("project__name", "raised_on", "id")
        return download(temporary_file(write_problem_ledger, problems), "问题台账.xlsx")


class LeaderTableExportView(LoginRequiredMixin, View):
    def get(self, request):
        return download(temporary_file(write_leader_table, leader_assignments(user=request.user)), "四个一联系表.xlsx")


class ProjectListExportView(LoginRequiredMixin, View):
    def get(self, request):
        filterset, month = listing_filterset(request.GET, user=request.user)
        if not filterset.is_valid():
            messages.warning(request, "筛选条件有误：" + filter_errors(filterset))
            return redirect("projects:project_list")
        return download(temporary_file(write_listing_list, filterset.qs, month=month), "重点项目清单.xlsx")

"""Excel downloads: the progress table, the problem ledger, the 四个一 table and the filtered
project list; each in the viewer's scope, with the same filters as its page, and named for filing
with the office, the year and the months (exporters.names)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import redirect
from django.views import View

from projects.exporters.lists import ledger_scope, write_leader_table, write_listing_list, write_problem_ledger
from projects.exporters.names import default_period, filing_title, office_words
from projects.exporters.progress import title_for, write_progress_table
from projects.exporters.xlsx import temporary_file
from projects.filtersets import ProblemFilterSet, filter_errors, listing_filterset
from projects.forms import PeriodForm, ProgressExportForm, form_errors
from projects.periods import Period
from projects.scoping import home_region_id
from projects.selectors.problems import problem_ledger, problem_list
from projects.selectors.progress import progress_table
from projects.selectors.projects import leader_assignments
from projects.selectors.reporting import figures_period
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
    """The problem ledger of a period (``?year=&month=``, by default the month figures stand at),
    with the problem list's filters, titled and named for filing."""

    def get(self, request):
        filterset = ProblemFilterSet(request.GET, queryset=problem_list(user=request.user), user=request.user)
        form = PeriodForm(request.GET)
        period = form.period(lambda year: figures_period(year, region=home_region_id(request.user)))
        if not filterset.is_valid() or form.errors:
            messages.warning(request, "筛选条件有误：" + filter_errors(filterset) + form_errors(form))
            return redirect("projects:problem_list")
        title = filing_title(request.user, period, "问题台账")
        problems = problem_ledger(filterset.qs, period=period)
        return download(
            temporary_file(write_problem_ledger, problems, heading=title, note=ledger_scope(period)), f"{title}.xlsx"
        )


class LeaderTableExportView(LoginRequiredMixin, View):
    def get(self, request):
        title = filing_title(request.user, default_period(request.user), "四个一联系表")
        return download(temporary_file(write_leader_table, leader_assignments(user=request.user)), f"{title}.xlsx")


class ProjectListExportView(LoginRequiredMixin, View):
    def get(self, request):
        filterset, month = listing_filterset(request.GET, user=request.user)
        if not filterset.is_valid():
            messages.warning(request, "筛选条件有误：" + filter_errors(filterset))
            return redirect("projects:project_list")
        year = filterset.form.cleaned_data.get("year")
        if year is None:
            title = f"{office_words(request.user)}各年度重点项目清单（1-{month}月完成投资）"
        else:
            title = filing_title(request.user, Period(int(year), month), "重点项目清单")
        return download(temporary_file(write_listing_list, filterset.qs, month=month), f"{title}.xlsx")

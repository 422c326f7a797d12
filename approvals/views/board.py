"""The 联审联批 pages: the year's board of projects × items, its export, the departments ranked by
their warnings and one department's items; and the overview's 联审联批 panel."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views import View
from django.views.generic import ListView

from approvals.choices import ItemLight
from approvals.exporters import export_title, write_approval_table
from approvals.filtersets import ApprovalItemFilterSet
from approvals.forms import ListLevelForm
from approvals.selectors.board import (
    board_projects,
    board_rows,
    department_units,
    label_lights,
    opened_departments,
    opened_projects,
)
from approvals.selectors.figures import (
    light_bounds,
    node_items,
    project_warnings,
    rate_by_department,
    rate_by_street,
    rate_total,
    urgent_first,
    with_light,
)
from approvals.selectors.lights import calendar_notice
from projects import clock
from projects.choices import Level, RegionKind
from projects.exporters.xlsx import temporary_file
from projects.filtersets import active_filters, filter_errors
from projects.freshness import cached_figure
from projects.scoping import scope_description
from projects.views.exports import download
from projects.views.mixins import ForgivingPaginationMixin, figures_period_from, region_from

TOP_DEPARTMENTS = 5  # how many departments the overview's panel names


def list_level(request):
    """The list level a page is about (``?level=``): None for every list of the year; a wrong value
    is named and ignored."""
    form = ListLevelForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["level"] or None
    messages.warning(request, "清单级别有误，已显示全部清单。")
    return None


def period_query(year, month, region, level):
    """The query string that carries a page's period, node and level to the pages it links to."""
    query = {"year": year, "month": month}
    if region is not None:
        query["region"] = region.code
    if level:
        query["level"] = level
    return urlencode(query)


def page_place(user, region):
    """The node and the part of it a page holds, as its title says: "卫东区", "卫东区北环路街道"."""
    return f"{region.name if region is not None else ''}{scope_description(user)}"


def _query(request, *drop):
    query = request.GET.copy()
    for name in ("page", *drop):
        query.pop(name, None)
    return query.urlencode()


class BoardMixin:
    """The period, node and items a board page (and its export) is about: the user's items of the
    node's projects listed in the year, and those the board's filters keep."""

    def board_items(self, *, warn=True):
        request = self.request
        self.period = figures_period_from(request)
        self.region = region_from(request)
        self.level = list_level(request) if warn else ListLevelForm(request.GET).cleaned_level()
        self.today = clock.today()
        self.scoped = node_items(request.user, year=self.period.year, region=self.region, level=self.level)
        self.filterset = ApprovalItemFilterSet(
            request.GET, queryset=with_light(self.scoped, self.today), user=request.user
        )
        if warn and not self.filterset.is_valid():
            messages.warning(request, "筛选条件有误：" + filter_errors(self.filterset) + "已忽略无效的条件。")
        self.filtered = self.filterset.qs
        self.total = rate_total(self.filtered, year=self.period.year, month=self.period.month, today=self.today)
        return self.filtered

    def place(self):
        return page_place(self.request.user, self.region)


class ApprovalBoardView(LoginRequiredMixin, BoardMixin, ForgivingPaginationMixin, ListView):
    """前期手续推进: one row per project of the year with its items as coloured chips, filtered by
    department, street, status and light, worst warning first."""

    template_name = "approvals/board.html"
    context_object_name = "projects"
    paginate_by = 50

    def get_queryset(self):
        filtered = self.board_items()
        return board_projects(filtered, self.scoped, self.today)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, month = self.period
        context.update(
            rows=board_rows(
                context["projects"],
                user=self.request.user,
                filtered=self.filtered,
                scoped=self.scoped,
                today=self.today,
            ),
            filter=self.filterset,
            active_filters=active_filters(self.filterset, self.request.GET),
            year=year,
            month=month,
            region=self.region,
            place=self.place(),
            total=self.total,
            yellow_end=light_bounds(self.today)[1],
            yellow_days=settings.KP_APPROVAL_YELLOW_WORKDAYS,
            today=self.today,
            notice=calendar_notice(year, self.today, light_bounds(self.today)[1]),
            has_items=self.scoped.exists(),
            query=_query(self.request),
            level=self.level,
            levels=Level.choices,
            period_query=period_query(year, month, self.region, self.level),
        )
        return context


class ApprovalExportView(LoginRequiredMixin, BoardMixin, View):
    """前期手续推进表.xlsx: the board's filtered items, with the board's totals."""

    def get(self, request):
        filtered = self.board_items(warn=False)
        if not self.filterset.is_valid():
            # A table under a department's or street's name holding everyone's items must never go out.
            messages.warning(request, "筛选条件有误：" + filter_errors(self.filterset))
            return redirect("approvals:board")
        items = filtered.select_related("project", "project__street", "department").order_by(
            "project__street__sort_order", "project__name", "project_id", "sort_order", "pk"
        )
        warnings = project_warnings(self.scoped.filter(project_id__in=filtered.values("project_id")), self.today)
        title = export_title(place=self.place(), year=self.period.year, month=self.period.month)
        file = temporary_file(write_approval_table, title=title, items=items, warnings=warnings, total=self.total)
        return download(file, f"{title}.xlsx")


class DepartmentListView(LoginRequiredMixin, View):
    """The departments ranked by red items, then yellow, with the period's counted, done and rate."""

    def get(self, request):
        year, month = figures_period_from(request)
        region = region_from(request)
        level = list_level(request)
        today = clock.today()
        items = node_items(request.user, year=year, region=region, level=level)
        rows = rate_by_department(items, year=year, month=month, today=today)
        context = {
            "rows": rows,
            "total": rate_total(items, year=year, month=month, today=today),
            "year": year,
            "month": month,
            "region": region,
            "place": page_place(request.user, region),
            "notice": calendar_notice(year, today, light_bounds(today)[1]),
            "period_query": period_query(year, month, region, level),
            "opened": opened_departments(request.user),
        }
        return render(request, "approvals/department_list.html", context)


class DepartmentDetailView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """One department's items across projects, most urgent first; 404 for a unit outside the user's
    scope (selectors.board.department_units)."""

    template_name = "approvals/department_detail.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        self.unit = get_object_or_404(department_units(user), pk=self.kwargs["pk"])
        self.period = figures_period_from(self.request)
        self.region = region_from(self.request)
        self.level = list_level(self.request)
        self.today = clock.today()
        items = node_items(user, year=self.period.year, region=self.region, level=self.level)
        self.items = items.filter(department=self.unit)
        return urgent_first(self.items, self.today).select_related("project", "project__street")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, month = self.period
        for item in label_lights(context["items"]):
            item.days_overdue = (self.today - item.due_date).days if item.light == ItemLight.RED else None
        context.update(
            unit=self.unit,
            total=rate_total(self.items, year=year, month=month, today=self.today),
            year=year,
            month=month,
            region=self.region,
            today=self.today,
            notice=calendar_notice(year, self.today, light_bounds(self.today)[1]),
            query=_query(self.request),
            period_query=period_query(year, month, self.region, self.level),
        )
        opened = opened_projects(self.request.user, {item.project_id for item in context["items"]})
        for item in context["items"]:
            item.project.opens = item.project_id in opened
        return context


def approvals_panel(request, year, month, level, region):
    """The overview's 联审联批 card for the node and period: "" when the node has no items at all.
    Cached per user, node, period, level and today (warnings move with the date)."""
    user = request.user
    today = clock.today()

    def compute():
        items = node_items(user, year=year, region=region, level=level)
        if not items.exists():
            return ""
        district = region is not None and region.kind == RegionKind.DISTRICT
        departments = rate_by_department(items, year=year, month=month, today=today)
        context = {
            "opened": opened_departments(user),
            "total": rate_total(items, year=year, month=month, today=today),
            "departments": [row for row in departments if row.red or row.yellow][:TOP_DEPARTMENTS],
            "streets": rate_by_street(items, year=year, month=month, today=today) if district else None,
            "year": year,
            "month": month,
            "query": period_query(year, month, region, level),
        }
        return render_to_string("approvals/_overview_panel.html", context, request=request)

    return cached_figure(
        "approvals-panel",
        compute,
        user.pk,
        region.pk if region is not None else None,
        year,
        month,
        level,
        today.isoformat(),
    )

"""Pages of the project tracker: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, ListView

from accounts.roles import is_leader, is_office_admin, is_staff_reporter
from projects import clock
from projects.access import project_access
from projects.extensions import project_sections
from projects.filtersets import active_filters, filter_errors, listing_filterset, narrowing_filters
from projects.forms import InstructionForm
from projects.list_forms import ListingBulkForm
from projects.models import Problem, Project, ReportPhoto
from projects.scoping import scope_description
from projects.selectors.empty_states import EmptyList, empty_list_reason, no_listings_text
from projects.selectors.history import project_history
from projects.selectors.printing import print_heading
from projects.selectors.projects import listing_page, project_listing_figures, project_problems, project_reports
from projects.services.instructions import instruction_add
from projects.views.dashboard import OverviewView
from projects.views.mixins import ForgivingPaginationMixin


class HomeView(LoginRequiredMixin, View):
    """Each role's start page: the overview for admins, the month's reporting sheet for staff,
    the followed projects for leaders; the overview is one click away for everyone."""

    def get(self, request, *args, **kwargs):
        if is_staff_reporter(request.user):
            return redirect("projects:report_sheet")
        if is_leader(request.user):
            return redirect("projects:leader_home")
        return OverviewView.as_view()(request, *args, **kwargs)


class ProjectListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """The filtered list of listings (GET parameters of ListingFilterSet), sortable, paginated."""

    template_name = "projects/project_list.html"
    context_object_name = "listings"
    paginate_by = 50

    def get_queryset(self):
        self.filterset, self.month = listing_filterset(self.request.GET, user=self.request.user)
        if not self.filterset.is_valid():
            messages.warning(self.request, "筛选条件有误：" + filter_errors(self.filterset) + "已忽略无效的条件。")
        return self.filterset.qs

    def paginate_queryset(self, queryset, page_size):
        """As ForgivingPaginationMixin's, with the page and the count read together
        (selectors.projects.listing_page); the count alone only for a page past the end."""
        number = min(self.requested_page(), 2**31 // page_size)  # past any list, and an offset SQL takes
        listings, count = listing_page(queryset, start=(number - 1) * page_size, size=page_size)
        if count is None:
            count = queryset.count() if number > 1 else 0
            number = max(1, -(-count // page_size))  # the last page
            if count:  # rows deleted meanwhile may leave this page empty too: then it is empty
                listings, count = listing_page(queryset, start=(number - 1) * page_size, size=page_size)
                count = count or 0
            number = number if count else 1
        paginator = self.get_paginator(queryset, page_size)
        paginator.count = count  # known already: no COUNT query
        page = Page(listings, number, paginator)
        return paginator, page, listings, page.has_other_pages()

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("ordering", None)
        user = self.request.user
        chosen = getattr(self.filterset.form, "cleaned_data", {})
        year = int(chosen["year"]) if chosen.get("year") else None  # NumberFilter gives a Decimal
        level = chosen.get("level")
        region = chosen.get("district") or self.filterset.user_choices.home_region
        context = super().get_context_data(**kwargs)
        empty = {}
        if not context["listings"]:
            reason = empty_list_reason(user=user, year=year, level=level, narrowed=narrowing_filters(self.filterset))
            empty = {"empty_reason": reason, "clear_query": f"year={year}" if year else ""}
            if reason == EmptyList.NO_LISTINGS:
                empty["no_listings"] = no_listings_text(year=year, level=level)
        context.update(
            filter=self.filterset,
            active_filters=active_filters(self.filterset, self.request.GET),
            month=self.month,
            year=year,
            printing=print_heading(
                region=region,
                scope=scope_description(user),
                year=year,
                month=self.month if year else None,
                level=level,
            ),
            **empty,
            query=query.urlencode(),
            sort_query=sort_query.urlencode(),
            ordering=self.request.GET.get("ordering", ""),
            # 批量修改: admins tick listings and set them in one action (views.bulk_assign)
            bulk_form=ListingBulkForm(user=user, choices=self.filterset.user_choices, auto_id="bulk_%s")
            if is_office_admin(user)
            else None,
        )
        return context


class ProjectDetailView(LoginRequiredMixin, DetailView):
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).select_related("district", "street", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project, user = self.object, self.request.user
        listing_figures = project_listing_figures(project=project)
        latest = listing_figures[0] if listing_figures else None  # the year the page's figures open with
        context.update(
            listings=[figures.listing for figures in listing_figures],  # all of them, in that order
            reports=project_reports(project=project),
            problems=project_problems(project=project, user=user),
            milestones=project.milestones.all(),
            assignments=project.assignments.select_related("leader").order_by("-active", "since"),
            visits=project.visits.prefetch_related("leaders"),
            listing_figures=listing_figures,
            printing=print_heading(
                region=project.district,
                year=latest.listing.year if latest else None,
                month=latest.month if latest else None,
                level=latest.listing.level if latest else None,
            ),
            today=clock.today(),
            photos=ReportPhoto.objects.visible_to(user)
            .filter(report__listing__project=project)
            .select_related("report__listing")
            .order_by("-report__listing__year", "-report__month", "id"),
            keeps=project_access(self.request, project).keeps,
            instruction_form=InstructionForm(),
            sections=project_sections(self.request, project),  # 前期手续、要素保障 … (projects.extensions)
        )
        return context


class InstructionCreateView(LoginRequiredMixin, View):
    """POST only: a leader adds an instruction to a problem of a project they follow."""

    http_method_names = ["post"]

    def post(self, request, pk):
        problem = get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)
        form = InstructionForm(request.POST)
        if form.is_valid():
            try:
                instruction_add(user=request.user, problem=problem, text=form.cleaned_data["text"])
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, "督办意见已保存。")
        else:
            messages.error(request, "督办意见未保存：请填写内容。")
        if request.POST.get("next") == "problem":
            return redirect(problem.get_absolute_url())
        return redirect(reverse("projects:project_detail", args=[problem.project_id]) + f"#problem-{problem.pk}")


class ProjectHistoryView(LoginRequiredMixin, DetailView):
    """变更记录 of one project: who changed what and when, across everything that belongs to it.
    Its own page, so the project page stays light."""

    template_name = "projects/project_history.html"
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(history=project_history(project=self.object, user=self.request.user), **kwargs)

"""要素保障 and 入统 of one project: the year's land and funding (office admins and the staff who keep the
project), the statistics registration and monthly figures (office admins); the project page's
section and the overview's panel."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.views.generic import TemplateView

from approvals.choices import FundingSource
from approvals.models import Funding, LandSupply, StatisticsFigure, StatisticsRegistration
from approvals.resource_forms import ResourcesForm, StatisticsForm, YearForm
from approvals.selectors.resources import node_resources, project_resources, reported_by_month
from approvals.services.resources import StaleEdit, listed_years, resources_save, resources_version
from approvals.services.statistics import statistics_save, statistics_version
from projects.access import project_access
from projects.forms import form_errors
from projects.freshness import cached_figure
from projects.models import Project
from projects.views.mixins import add_service_errors


class ProjectYearMixin(LoginRequiredMixin):
    """A project the user may see (404 otherwise) and the year the page is about: ``?year=`` when the
    project is listed that year, else its latest listed year (a message says why)."""

    def dispatch(self, request, *args, pk, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
        self.years = listed_years(self.project)
        form = YearForm(request.GET)
        asked = form.cleaned_data.get("year") if form.is_valid() else None
        if form.errors:
            messages.warning(request, f"参数有误（{form_errors(form, labels=False)}），已显示最近的清单年度。")
        elif asked is not None and asked not in self.years:
            listed = "、".join(map(str, self.years)) or "无"
            messages.warning(
                request, f"该项目{asked}年未列入重点项目清单（已列入年度：{listed}），已显示最近的清单年度。"
            )
        self.year = asked if asked in self.years else (self.years[0] if self.years else None)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.may_edit:
            raise PermissionDenied(self.refusal)
        return self.save(request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            project=self.project, year=self.year, years=self.years, may_edit=self.may_edit, **kwargs
        )


class ResourcesEditView(ProjectYearMixin, TemplateView):
    """One year's land and funding of a project, saved together. Read-only for those who may see the
    project but not keep it (leaders); a POST from them is refused (403)."""

    template_name = "approvals/resources_form.html"
    refusal = "您不能填报该项目的要素保障。"

    @property
    def may_edit(self):
        if not hasattr(self, "_may_edit"):
            self._may_edit = Project.objects.kept_by(self.request.user).filter(pk=self.project.pk).exists()
        return self._may_edit

    def saved_rows(self):
        land = LandSupply.objects.filter(project=self.project, year=self.year).first()
        fundings = {row.source: row for row in Funding.objects.filter(project=self.project, year=self.year)}
        return land, fundings

    def make_form(self, data=None):
        land, fundings = self.saved_rows()
        return ResourcesForm(
            data,
            initial_land={name: getattr(land, name) for name in ("needed", "supplied", "supplied_on", "notes")}
            if land
            else None,
            initial_fundings={
                source: {name: getattr(row, name) for name in ("planned", "secured", "secured_on", "notes")}
                for source, row in fundings.items()
            },
            version=resources_version(project=self.project, year=self.year),
        )

    def get_context_data(self, form=None, conflict=False, **kwargs):
        land, fundings = self.saved_rows()
        return super().get_context_data(
            form=form or (self.make_form() if self.may_edit and self.year else None),
            land=land,
            fundings=[(FundingSource(source).label, fundings.get(source)) for source in FundingSource.values],
            conflict=conflict,
            **kwargs,
        )

    def save(self, request):
        if self.year is None:
            messages.error(request, "该项目尚未列入任何年度的重点项目清单，不能填报要素保障。")
            return redirect(self.project.get_absolute_url())
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            warnings = resources_save(
                user=request.user,
                project=self.project,
                year=self.year,
                land=form.land_input(),
                fundings=form.funding_inputs(),
                expected_version=form.version(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_errors({key: "；".join(value) for key, value in error.message_dict.items()})
            else:
                form.head.add_error(None, error.messages)
            return self.render_to_response(self.get_context_data(form=form))
        except StaleEdit as stale:
            data = request.POST.copy()
            data["version"] = stale.version  # saving again now deliberately replaces theirs
            form = self.make_form(data)
            form.is_valid()
            form.head.add_error(None, str(stale))
            return self.render_to_response(self.get_context_data(form=form, conflict=True), status=409)
        for warning in warnings:
            messages.warning(request, warning)
        messages.success(request, f"{self.year}年要素保障已保存。")
        return redirect(self.project.get_absolute_url() + "#resources")


class StatisticsEditView(ProjectYearMixin, TemplateView):
    """入统 of a project and the statistics' cumulative per month of a year, entered by the office
    (the figure comes from the statistics bureau). Read-only for everyone else who may see the project."""

    template_name = "approvals/statistics_form.html"
    refusal = "只有项目办管理员可以填写入统情况。"

    @property
    def may_edit(self):
        if not hasattr(self, "_may_edit"):
            self._may_edit = Project.objects.editable_by(self.request.user).filter(pk=self.project.pk).exists()
        return self._may_edit

    def make_form(self, data=None):
        registration = StatisticsRegistration.objects.filter(project=self.project).first()
        initial = {"version": statistics_version(project=self.project, year=self.year)}
        if registration:
            initial.update(registered=registration.registered, registered_on=registration.registered_on)
        figures = StatisticsFigure.objects.filter(project=self.project, year=self.year)
        initial.update({f"month_{row.month}": row.cumulative for row in figures})
        reported = reported_by_month(project=self.project, year=self.year) if self.year else {}
        return StatisticsForm(data, initial=initial, reported=reported)

    def get_context_data(self, form=None, conflict=False, **kwargs):
        return super().get_context_data(
            form=form or self.make_form(),
            resources=project_resources(project=self.project),
            conflict=conflict,
            **kwargs,
        )

    def save(self, request):
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        figures = form.figures() if self.year else {}
        try:
            statistics_save(
                user=request.user,
                project=self.project,
                registered=form.cleaned_data["registered"],
                registered_on=form.cleaned_data["registered_on"],
                year=self.year,
                figures=figures,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        except StaleEdit as stale:
            data = request.POST.copy()
            data["version"] = stale.version
            form = self.make_form(data)
            form.is_valid()
            form.add_error(None, str(stale))
            return self.render_to_response(self.get_context_data(form=form, conflict=True), status=409)
        messages.success(request, "入统情况已保存。")
        return redirect(self.project.get_absolute_url() + "#resources")


def resources_section(request, project):
    """The project page's 要素保障 card: land and funding by year (专项债 on its own line), 入统 and the
    statistics' cumulative beside the reported one; edit links for those who may edit. A fixed
    number of queries."""
    access = project_access(request, project)
    return render_to_string(
        "approvals/_project_resources.html",
        {
            "project": project,
            "r": project_resources(project=project),
            "may_edit": access.keeps,
            "may_edit_statistics": access.edits,
        },
        request=request,
    )


def resources_panel(request, year, month, level, region):
    """The overview's 要素保障 panel for the node's list of ``year`` and ``level``: funding by source,
    专项债 on its own line, land, and how many listed projects are 入统; "" when the node has none of
    these. Kept in the figures cache until the data changes."""
    user = request.user

    def render():
        figures = node_resources(user=user, year=year, level=level, region=region)
        if figures.empty:
            return ""
        return render_to_string("approvals/_resources_panel.html", {"n": figures, "month": month}, request=request)

    return cached_figure(
        "resources-panel", render, user.pk, user.region_id, region.pk if region else None, year, month, level
    )

"""Pages of the project tracker: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, ListView, RedirectView

from accounts.scoping import is_staff_reporter
from projects.forms import InstructionForm
from projects.models import Problem, Project, ReportPhoto
from projects.selectors import project_history, project_list, project_problems, project_reports
from projects.services.instructions import instruction_add


class HomeView(LoginRequiredMixin, RedirectView):
    """Each role's start page: staff their month's reporting sheet, others the project list."""

    def get_redirect_url(self, *args, **kwargs):
        if is_staff_reporter(self.request.user):
            return reverse("projects:report_sheet")
        return reverse("projects:project_list")


class ProjectListView(LoginRequiredMixin, ListView):
    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = 50

    def get_queryset(self):
        return project_list(user=self.request.user)


class ProjectDetailView(LoginRequiredMixin, DetailView):
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).select_related("street", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project, user = self.object, self.request.user
        context.update(
            listings=project.listings.order_by("-year", "level"),
            reports=project_reports(project=project),
            problems=project_problems(project=project, user=user),
            milestones=project.milestones.all(),
            assignments=project.assignments.select_related("leader").order_by("-active", "since"),
            visits=project.visits.prefetch_related("leaders"),
            history=project_history(project=project, user=user),
            photos=ReportPhoto.objects.visible_to(user)
            .filter(report__listing__project=project)
            .select_related("report__listing")
            .order_by("-report__listing__year", "-report__month", "id"),
            keeps=Project.objects.kept_by(user).filter(pk=project.pk).exists(),
            instruction_form=InstructionForm(),
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

"""Supervision visits (督察): the list, recording one, turning its findings into problems."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import FormView, ListView, TemplateView

from projects.forms import VisitFindingsForm, VisitForm
from projects.models import Project, SupervisionVisit
from projects.services.visits import visit_findings_to_problems, visit_pending_findings, visit_record
from projects.views.mixins import ForgivingPaginationMixin, OfficeAdminRequiredMixin, add_service_errors


class VisitListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "projects/visit_list.html"
    context_object_name = "visits"
    paginate_by = 50

    def get_queryset(self):
        return (
            SupervisionVisit.objects.visible_to(self.request.user)
            .select_related("project")
            .prefetch_related("leaders", "problems")
            .order_by("-date", "-id")
        )


class VisitCreateView(OfficeAdminRequiredMixin, FormView):
    template_name = "projects/form_page.html"
    extra_context = {"page_title": "登记督察", "submit_label": "保存"}
    form_class = VisitForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["projects"] = Project.objects.visible_to(self.request.user).order_by("name")
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        return {"project": self.request.GET.get("project")}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        make_problems = data.pop("make_problems")
        try:
            visit = visit_record(user=self.request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if make_problems:
            messages.success(self.request, "督察记录已保存。请为每条督察发现选择问题类型，登记为问题。")
            return redirect("projects:visit_problems", pk=visit.pk)
        messages.success(self.request, "督察记录已保存。")
        return redirect("projects:visit_list")


class VisitProblemsView(OfficeAdminRequiredMixin, TemplateView):
    """Turning a visit's findings into problems: each finding not yet logged, with its problem type;
    found on the visit's date, due by its rectification deadline."""

    template_name = "projects/visit_problems.html"

    @cached_property
    def visit(self):
        return get_object_or_404(SupervisionVisit.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def make_form(self, data=None):
        return VisitFindingsForm(data, findings=visit_pending_findings(self.visit))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.make_form())
        return super().get_context_data(visit=self.visit, **kwargs)

    def post(self, request, pk):
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            created = visit_findings_to_problems(user=request.user, visit=self.visit, kinds=form.kinds())
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("projects:visit_problems", pk=self.visit.pk)
        if created:
            messages.success(request, f"已把督察发现登记为问题 {len(created)} 个。")
        else:
            messages.info(request, "督察发现均已登记为问题，没有新增。")
        return redirect("projects:visit_list")

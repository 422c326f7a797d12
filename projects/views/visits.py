"""Supervision visits (督察): the list, recording one, turning its findings into problems."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView, ListView

from projects.forms import VisitForm
from projects.models import Project, SupervisionVisit
from projects.services.visits import visit_findings_to_problems, visit_record
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
        return kwargs

    def get_initial(self):
        return {"project": self.request.GET.get("project")}

    def form_valid(self, form):
        try:
            visit = visit_record(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        made = visit.problems.count()
        messages.success(self.request, f"督察记录已保存{f'，并登记问题 {made} 个' if made else ''}。")
        return redirect("projects:visit_list")


class VisitProblemsView(OfficeAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        visit = get_object_or_404(SupervisionVisit.objects.visible_to(request.user), pk=pk)
        created = visit_findings_to_problems(user=request.user, visit=visit)
        if created:
            messages.success(request, f"已把督察发现登记为问题 {len(created)} 个。")
        else:
            messages.info(request, "督察发现均已登记为问题，没有新增。")
        return redirect("projects:visit_list")

"""The problem ledger (问题台账): list with filters and figures, a problem's page, logging, moving,
and the office's 销号 (confirm or send back what a street reports solved)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.roles import is_office_admin
from projects import clock
from projects.choices import ProblemStatus
from projects.exporters.names import default_period
from projects.extensions import problem_sections
from projects.filtersets import ProblemFilterSet, active_filters
from projects.forms import (
    InstructionForm,
    ProblemConfirmForm,
    ProblemForm,
    ProblemSendBackForm,
    ProblemTransitionForm,
    parse_int,
)
from projects.models import Instruction, Problem, Project
from projects.scoping import home_region, scope_description
from projects.selectors.printing import print_heading
from projects.selectors.problems import problem_figures, problem_list
from projects.services.problems import problem_confirm, problem_create, problem_send_back, problem_transition
from projects.views.mixins import add_service_errors


class ProblemListView(LoginRequiredMixin, TemplateView):
    template_name = "projects/problem_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        filterset = ProblemFilterSet(
            self.request.GET, queryset=problem_list(user=self.request.user), user=self.request.user
        )
        if not filterset.is_valid():
            messages.warning(self.request, "筛选条件有误，已忽略无效的条件。")
        problems = filterset.qs
        page = Paginator(problems, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter=filterset,
            active_filters=active_filters(filterset, self.request.GET),
            figures=problem_figures(problems),
            page_obj=page,
            problems=page.object_list,
            query=query.urlencode(),
            can_add=Project.objects.kept_by(self.request.user).exists(),
            ledger_period=default_period(self.request.user),
            printing=print_heading(
                region=getattr(filterset.form, "cleaned_data", {}).get("district") or home_region(self.request.user),
                scope=scope_description(self.request.user),
                as_of=clock.today(),
            ),
            **kwargs,
        )


class ProblemDetailView(LoginRequiredMixin, TemplateView):
    template_name = "projects/problem_detail.html"

    def get_context_data(self, pk, **kwargs):
        user = self.request.user
        problem = get_object_or_404(
            Problem.objects.visible_to(user)
            .with_overdue()
            .select_related("project", "unit", "raised_by", "confirmed_by"),
            pk=pk,
        )
        office = is_office_admin(user)
        return super().get_context_data(
            problem=problem,
            steps=problem.steps.select_related("by"),
            instructions=Instruction.objects.filter(problem=problem).select_related("author"),
            can_move=Problem.objects.movable_by(user).filter(pk=pk).exists(),
            can_close=Problem.objects.closable_by(user).filter(pk=pk).exists(),
            can_instruct=Problem.objects.instructable_by(user).filter(pk=pk).exists(),
            office=office,
            transition_form=kwargs.pop("transition_form", None) or ProblemTransitionForm(office=office),
            confirm_form=kwargs.pop("confirm_form", None) or ProblemConfirmForm(),
            send_back_form=kwargs.pop("send_back_form", None) or ProblemSendBackForm(),
            instruction_form=InstructionForm(),
            sections=problem_sections(self.request, problem),  # 交办事项 (projects.extensions)
            **kwargs,
        )


class ProblemWriteView(LoginRequiredMixin, View):
    """A POST on one problem of the user's scope: parse the form, call the service. A refusal about
    a field shows the page again with the form's errors; one about the problem itself (moved
    meanwhile, already 销号) is a message on the page as it now stands, whose forms may be gone."""

    http_method_names = ["post"]
    form_class = None
    form_name = ""  # the detail page's context name for the form

    def act(self, problem, form):
        raise NotImplementedError

    def post(self, request, pk):
        problem = get_object_or_404(Problem.objects.visible_to(request.user).select_related("project"), pk=pk)
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            try:
                message = self.act(problem, form)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    messages.error(request, "；".join(error.messages))
                    return redirect(problem.get_absolute_url())
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(problem.get_absolute_url())
        view = ProblemDetailView(request=request, kwargs={"pk": pk})
        return view.render_to_response(view.get_context_data(pk=pk, **{self.form_name: form}))

    def form_kwargs(self):
        return {}


class ProblemTransitionView(ProblemWriteView):
    form_class, form_name = ProblemTransitionForm, "transition_form"

    def form_kwargs(self):
        return {"office": is_office_admin(self.request.user)}

    def act(self, problem, form):
        moved = problem_transition(user=self.request.user, problem=problem, **form.cleaned_data)
        if moved.status == ProblemStatus.PENDING_CLOSE:
            return "已标记为已解决，待项目办确认销号。"
        return f"问题已改为「{moved.get_status_display()}」。"


class ProblemConfirmView(ProblemWriteView):
    """确认销号: the office confirms what a street reports solved."""

    form_class, form_name = ProblemConfirmForm, "confirm_form"

    def act(self, problem, form):
        data = form.cleaned_data
        problem_confirm(
            user=self.request.user,
            problem=problem,
            note=data["note"],
            pending_only=True,
            expected_updated_at=data["seen"],
        )
        return "已确认销号，问题计为已解决。"


class ProblemSendBackView(ProblemWriteView):
    """退回: the office sends a 待销号 problem back to be coordinated, with the reason."""

    form_class, form_name = ProblemSendBackForm, "send_back_form"

    def act(self, problem, form):
        data = form.cleaned_data
        problem_send_back(
            user=self.request.user, problem=problem, reason=data["reason"], expected_updated_at=data["seen"]
        )
        return "已退回，问题重新协调解决。"


class ProblemCreateView(LoginRequiredMixin, FormView):
    template_name = "projects/form_page.html"
    extra_context = {"page_title": "登记问题", "submit_label": "登记"}
    form_class = ProblemForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            kept = Project.objects.kept_by(request.user)
            if not kept.exists():
                raise PermissionDenied("您没有可登记问题的项目。")
            named = request.POST.get("project") or request.GET.get("project")
            if named and not kept.filter(pk=parse_int(named, min_value=1)).exists():
                raise Http404("项目不存在或不在您的范围内。")  # a forged id answers as if it did not exist
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["projects"] = Project.objects.kept_by(self.request.user).order_by("name")
        return kwargs

    def get_initial(self):
        return {"project": self.request.GET.get("project")}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            problem = problem_create(
                user=self.request.user,
                project=data["project"],
                description=data["description"],
                kind=data["kind"],
                raised_on=data["raised_on"],
                deadline=data["deadline"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "问题已登记。")
        return redirect(problem.get_absolute_url())

"""Assigned tasks (交办事项): the board with its filters and counts, assigning one (from a meeting, a
problem, a project or alone), a task's page with the moves its viewer may make, the moves
themselves, a reply's attachment; and the project page's 交办事项 card."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View

from dispatch.choices import TaskStatus
from dispatch.filtersets import TaskFilterSet
from dispatch.forms import TaskActionForm, TaskAssignForm, TaskCloseForm, TaskReplyForm, TaskReturnForm, TaskSourceForm
from dispatch.selectors.tasks import (
    project_tasks,
    reply_attachment,
    task_counts,
    task_history,
    task_page,
    task_projects,
    task_rows,
)
from dispatch.services.tasks import (
    assignable_projects,
    may_answer,
    may_assign,
    may_assign_from,
    may_close,
    task_actions,
    task_assign,
    task_close,
    task_reply,
    task_return,
    task_start,
)
from dispatch.views.files import open_stored
from projects import clock
from projects.filtersets import active_filters
from projects.models import Problem
from projects.services.documents import CONTENT_TYPES, download_name, stored_extension
from projects.views.mixins import add_service_errors

NOT_FOUND = "没有这个交办事项，或不在您的范围内。"
# The board's counts are of the tasks its other filters leave: these two are what the counts split by.
COUNTED_BY = ("status", "overdue", "page")


class TaskBoardView(LoginRequiredMixin, View):
    """GET: the tasks the user sees (a unit's or street's staff: their own), by deadline, narrowed
    by owner, status, source, due range and overdue; counts by status and overdue."""

    paginate_by = 50

    def get(self, request):
        user = request.user
        rows = task_rows(user)
        filterset = TaskFilterSet(request.GET, queryset=rows, user=user)
        if not filterset.is_valid():
            messages.warning(request, "筛选条件有误，已忽略无效的条件。")
        page = Paginator(filterset.qs, self.paginate_by).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        others = request.GET.copy()
        for name in COUNTED_BY:
            others.pop(name, None)
        counted = TaskFilterSet(others, queryset=rows, user=user)
        counts = task_counts(counted.qs if counted.is_valid() else rows)
        context = {
            "filter": filterset,
            "active_filters": active_filters(filterset, request.GET),
            "page_obj": page,
            "tasks": page.object_list,
            "query": query.urlencode(),
            "counts": [(status, counts[status.value]) for status in TaskStatus],
            "total": counts["total"],
            "overdue_total": counts["overdue"],
            "count_query": others.urlencode(),
            "can_assign": may_assign(user),
            "today": clock.today(),
        }
        return render(request, "dispatch/task_board.html", context)


class TaskCreateView(LoginRequiredMixin, View):
    """GET: the assign form, from ``?meeting=``, ``?problem=``, ``?project=`` or alone; POST: assign.
    Office admins and leaders only (403); a source the user may not assign from answers 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_assign(request.user):
            raise PermissionDenied("只有项目办管理员和联系领导可以交办事项。")
        return super().dispatch(request, *args, **kwargs)

    def source(self, request):
        form = TaskSourceForm(request.GET, user=request.user)
        if not form.is_valid():
            raise Http404("没有这个会议、问题或项目，或您不能就其交办事项。")
        source = form.cleaned_data
        meeting, problem, project = source["meeting"], source["problem"], source["project"]
        district = None  # on its own: the form offers the user's districts
        if meeting or problem or project:
            # A meeting or problem wins over a project named with it, as task_assign has it.
            named = {"meeting": meeting} if meeting else {"problem": problem} if problem else {"project": project}
            district = may_assign_from(request.user, **named)
            if district is None:
                raise Http404("没有这个会议、问题或项目，或您不能就其交办事项。")
        return meeting, problem, project, district

    def render_form(self, request, form, meeting, problem, project):
        context = {"form": form, "meeting": meeting, "problem": problem, "project": project}
        return render(request, "dispatch/task_form.html", context)

    def get(self, request):
        meeting, problem, project, district = self.source(request)
        initial = {}
        if project is not None:
            initial["projects"] = [project]
        elif problem is not None:
            initial["projects"] = [problem.project]
            initial["content"] = f"督办问题：{problem.description}"
        elif meeting is not None:
            initial["projects"] = meeting.projects.filter(pk__in=assignable_projects(request.user).values("pk"))
        form = TaskAssignForm(user=request.user, district=district, initial=initial)
        return self.render_form(request, form, meeting, problem, project)

    def post(self, request):
        meeting, problem, project, district = self.source(request)
        form = TaskAssignForm(request.POST, user=request.user, district=district)
        if form.is_valid():
            try:
                task = task_assign(user=request.user, meeting=meeting, problem=problem, **form.service_kwargs())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已交办{task.owner}，办结期限 {task.deadline:%Y-%m-%d}。")
                return redirect(task.get_absolute_url())
        return self.render_form(request, form, meeting, problem, project)


def _task_or_404(user, pk):
    task = task_page(user, pk)
    if task is None:
        raise Http404(NOT_FOUND)
    return task


def render_task(request, task, *, forms=None, status=200):
    """The task's page: its facts, source, projects, steps and replies, and the forms of the moves
    the user may make now (``forms`` overrides one with the bound form that failed)."""
    user = request.user
    projects, hidden = task_projects(user, task)
    steps, replies = task_history(task)
    actions = task_actions(user, task)
    initial = {"updated_at": task.updated_at.isoformat()}
    action_forms = {
        "start": TaskActionForm(initial=initial),
        "reply": TaskReplyForm(initial=initial),
        "close": TaskCloseForm(initial=initial),
        "return": TaskReturnForm(initial=initial),
    }
    action_forms.update(forms or {})
    context = {
        "task": task,
        "projects": projects,
        "hidden_projects": hidden,
        "steps": steps,
        "replies": replies,
        "actions": actions,
        "start_form": action_forms["start"] if "start" in actions else None,
        "reply_form": action_forms["reply"] if "reply" in actions else None,
        "close_form": action_forms["close"] if "close" in actions else None,
        "return_form": action_forms["return"] if "return" in actions else None,
        "sees_problem": Problem.objects.visible_to(user).filter(pk=task.problem_id).exists(),
    }
    return render(request, "dispatch/task_detail.html", context, status=status)


class TaskDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return render_task(request, _task_or_404(request.user, pk))


class _TaskMoveView(LoginRequiredMixin, View):
    """POST only: a move on a task the user sees (else 404) and may make (else 403). A refused move
    (wrong state, stale page, missing reason) shows the task's page again with the reason."""

    http_method_names = ["post"]
    action = ""
    form_class = TaskActionForm
    done = ""

    def allowed(self, user, task):
        raise NotImplementedError

    def perform(self, user, task, data):
        raise NotImplementedError

    def post(self, request, pk):
        task = _task_or_404(request.user, pk)
        if not self.allowed(request.user, task):
            raise PermissionDenied("您不能办理该事项的这一步。")
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.perform(request.user, task, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.done)
                return redirect(task.get_absolute_url())
        if self.action not in task_actions(request.user, task):
            # The page moved on (someone else acted): say why on top, show the task as it is now.
            messages.error(request, "；".join(form.non_field_errors()) or "该事项的状态已变化，请核对后再操作。")
            return redirect(task.get_absolute_url())
        return render_task(request, task, forms={self.action: form})


class TaskStartView(_TaskMoveView):
    action, done = "start", "已开始办理。"

    def allowed(self, user, task):
        return may_answer(user, task)

    def perform(self, user, task, data):
        task_start(user=user, task=task, expected_updated_at=data["updated_at"])


class TaskReplyView(_TaskMoveView):
    action, form_class, done = "reply", TaskReplyForm, "已回复，等待项目办销号。"

    def allowed(self, user, task):
        return may_answer(user, task)

    def perform(self, user, task, data):
        task_reply(
            user=user,
            task=task,
            text=data["text"],
            attachments=data["attachments"],
            expected_updated_at=data["updated_at"],
        )


class TaskCloseView(_TaskMoveView):
    action, form_class, done = "close", TaskCloseForm, "已销号。"

    def allowed(self, user, task):
        return may_close(user, task)

    def perform(self, user, task, data):
        task_close(user=user, task=task, note=data["note"], expected_updated_at=data["updated_at"])


class TaskReturnView(_TaskMoveView):
    action, form_class, done = "return", TaskReturnForm, "已退回重办。"

    def allowed(self, user, task):
        return may_close(user, task)

    def perform(self, user, task, data):
        task_return(user=user, task=task, reason=data["reason"], expected_updated_at=data["updated_at"])


class ReplyAttachmentView(LoginRequiredMixin, View):
    """A reply's attachment, to those who see its task: out of scope answers 404."""

    def get(self, request, pk):
        attachment = reply_attachment(request.user, pk)
        extension = stored_extension(attachment.file.name) if attachment is not None else None
        if extension is None:
            raise Http404("没有这个附件，或不在您的范围内。")
        stored = open_stored(attachment.file, "该附件的文件已不在服务器上，请联系承办单位重新上传。")
        response = FileResponse(stored, content_type=CONTENT_TYPES[extension])
        name = download_name(attachment.original_name, extension, default="回复附件")
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def tasks_section(request, project):
    """The project page's 交办事项 card: the project's tasks the viewer sees, with status and the 超期
    flag, and for those who may assign on it a link to do so. A constant number of queries."""
    user = request.user
    tasks = list(project_tasks(user, project))
    can_assign = may_assign_from(user, project=project) is not None
    return render_to_string(
        "dispatch/_project_tasks.html",
        {
            "project": project,
            "tasks": tasks,
            "open_total": sum(1 for task in tasks if task.status != TaskStatus.CLOSED),
            "assign_url": f"{reverse('dispatch:task_create')}?project={project.pk}" if can_assign else "",
        },
        request=request,
    )

"""Dispatch meetings (调度会议): the list with its filters, recording and changing a meeting, its page
(what was decided: its tasks, and the form to assign one), its minutes' document."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views import View

from dispatch.filtersets import MeetingFilterSet
from dispatch.forms import MeetingForm, TaskAssignForm
from dispatch.models import Meeting
from dispatch.selectors.meetings import meeting_page, meeting_projects_seen, meeting_rows, meeting_tasks
from dispatch.services.meetings import meeting_record, meeting_recordable, meeting_update
from dispatch.services.tasks import may_assign_from
from dispatch.views.files import open_stored
from projects import clock
from projects.filtersets import active_filters
from projects.services.documents import CONTENT_TYPES, download_name, stored_extension
from projects.views.mixins import add_service_errors

NOT_FOUND = "没有这个会议，或不在您的范围内。"


def _meeting_or_404(user, pk):
    meeting = meeting_page(user, pk)
    if meeting is None:
        raise Http404(NOT_FOUND)
    return meeting


class MeetingListView(LoginRequiredMixin, View):
    """GET: the meetings the user sees, newest first, narrowed by year/month, kind and chair."""

    paginate_by = 30

    def get(self, request):
        user = request.user
        filterset = MeetingFilterSet(request.GET, queryset=meeting_rows(user), user=user)
        if not filterset.is_valid():
            messages.warning(request, "筛选条件有误，已忽略无效的条件。")
        page = Paginator(filterset.qs, self.paginate_by).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filter": filterset,
            "active_filters": active_filters(filterset, request.GET),
            "page_obj": page,
            "meetings": page.object_list,
            "query": query.urlencode(),
            "can_record": meeting_recordable(user),
        }
        return render(request, "dispatch/meeting_list.html", context)


class _MeetingFormView(LoginRequiredMixin, View):
    template_name = "dispatch/meeting_form.html"

    def render_form(self, request, form, meeting=None, status=200):
        context = {"form": form, "meeting": meeting, "page_title": "修改会议记录" if meeting else "记录调度会议"}
        return render(request, self.template_name, context, status=status)


class MeetingCreateView(_MeetingFormView):
    """GET: the form; POST: record the meeting. Office admins and leaders who chair only (403)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not meeting_recordable(request.user):
            raise PermissionDenied("只有项目办管理员和主持会议的领导可以记录调度会议。")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render_form(request, MeetingForm(user=request.user, initial={"date": clock.today()}))

    def post(self, request):
        form = MeetingForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                meeting = meeting_record(user=request.user, **form.service_kwargs())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已记录会议「{meeting.title}」。")
                return redirect(meeting.get_absolute_url())
        return self.render_form(request, form)


class MeetingEditView(_MeetingFormView):
    """GET: the form; POST: save. Those who hold the meeting only: out of sight 404, others 403."""

    def meeting(self, request, pk):
        meeting = _meeting_or_404(request.user, pk)
        if not Meeting.objects.held_by(request.user).filter(pk=meeting.pk).exists():
            raise PermissionDenied("只有项目办管理员和主持该会议的领导可以修改会议记录。")
        return meeting

    def get(self, request, pk):
        meeting = self.meeting(request, pk)
        return self.render_form(request, MeetingForm(user=request.user, meeting=meeting), meeting)

    def post(self, request, pk):
        meeting = self.meeting(request, pk)
        form = MeetingForm(request.POST, request.FILES, user=request.user, meeting=meeting)
        if form.is_valid():
            try:
                meeting_update(user=request.user, meeting=meeting, **form.service_kwargs())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已保存会议「{form.cleaned_data['title']}」。")
                return redirect(meeting.get_absolute_url())
        return self.render_form(request, form, meeting)


def render_meeting(request, meeting, *, assign_form=None, status=200):
    """The meeting's page: its facts, minutes, the projects discussed the user sees, its tasks, and
    for those who may assign from it the form to do so (posted to the assign page)."""
    user = request.user
    projects, hidden = meeting_projects_seen(user, meeting)
    can_assign = may_assign_from(user, meeting=meeting) is not None
    if can_assign and assign_form is None:
        assign_form = TaskAssignForm(user=user, district=meeting.district_id, initial={"projects": projects})
    context = {
        "meeting": meeting,
        "attendees": meeting.attendees.all(),
        "projects": projects,
        "hidden_projects": hidden,
        "tasks": meeting_tasks(user, meeting),
        "can_edit": Meeting.objects.held_by(user).filter(pk=meeting.pk).exists(),
        "assign_form": assign_form if can_assign else None,
    }
    return render(request, "dispatch/meeting_detail.html", context, status=status)


class MeetingDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return render_meeting(request, _meeting_or_404(request.user, pk))


class MeetingMinutesFileView(LoginRequiredMixin, View):
    """The minutes' document, to those who see the meeting: out of scope, or no file, answers 404."""

    def get(self, request, pk):
        meeting = _meeting_or_404(request.user, pk)
        extension = stored_extension(meeting.minutes_file.name)
        if not meeting.minutes_file or extension is None:
            raise Http404("该会议没有纪要附件。")
        minutes = open_stored(meeting.minutes_file, "纪要附件的文件已不在服务器上，请联系项目办重新上传。")
        response = FileResponse(minutes, content_type=CONTENT_TYPES[extension])
        name = download_name(meeting.minutes_file_name, extension, default="会议纪要")
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response

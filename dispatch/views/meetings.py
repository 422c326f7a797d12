"""Placeholder views: replaced by the real ones."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views import View


class _Placeholder(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


class MeetingListView(_Placeholder):
    pass


class MeetingCreateView(_Placeholder):
    pass


class MeetingDetailView(_Placeholder):
    pass


class MeetingEditView(_Placeholder):
    pass


class MeetingMinutesFileView(_Placeholder):
    pass

"""Placeholder views: replaced by the real ones."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views import View


class _Placeholder(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


class TaskBoardView(_Placeholder):
    pass


class TaskCreateView(_Placeholder):
    pass


class TaskDetailView(_Placeholder):
    pass


class TaskStartView(_Placeholder):
    pass


class TaskReplyView(_Placeholder):
    pass


class TaskCloseView(_Placeholder):
    pass


class TaskReturnView(_Placeholder):
    pass


class ReplyAttachmentView(_Placeholder):
    pass

"""Placeholder views: replaced by the real ones."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views import View


class _Placeholder(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404


class InboxView(_Placeholder):
    pass


class NotificationOpenView(_Placeholder):
    pass


class InboxReadAllView(_Placeholder):
    pass

"""消息: the user's inbox (unread first), opening one notification (read, then off to what it is
about) and marking them all read. A user reaches only their own notifications; another's is a 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import ListView

from dispatch.inbox_forms import InboxFilterForm
from dispatch.models import Notification
from dispatch.selectors.inbox import INBOX_FILTERS, inbox_list
from dispatch.services.inbox import local_link, notification_open, notifications_read_all
from projects.views.mixins import ForgivingPaginationMixin


class InboxView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "dispatch/inbox.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        self.filter_form = InboxFilterForm(self.request.GET)
        self.unread_only = self.filter_form.unread_only()
        return inbox_list(user=self.request.user, unread_only=self.unread_only)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            show="unread" if self.unread_only else "all",
            filters=INBOX_FILTERS,
            query="show=unread" if self.unread_only else "",
            **kwargs,
        )


class NotificationOpenView(LoginRequiredMixin, View):
    """GET (a link in the list) or POST: the notification is read; go where it points."""

    http_method_names = ["get", "post"]

    def get(self, request, pk):
        try:
            notification = notification_open(user=request.user, notification_id=pk)
        except Notification.DoesNotExist:
            raise Http404("没有找到这条消息。") from None
        return redirect(local_link(notification.link) or "dispatch:inbox")

    post = get


class InboxReadAllView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        count = notifications_read_all(user=request.user)
        if count:
            messages.success(request, f"已将 {count} 条消息标为已读。")
        else:
            messages.info(request, "没有未读消息。")
        return redirect("dispatch:inbox")

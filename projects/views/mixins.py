"""Shared view helpers: role checks and turning service errors into form errors."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import is_office_admin
from projects.forms import PeriodForm
from projects.selectors import reporting_period


class OfficeAdminRequiredMixin(LoginRequiredMixin):
    """Pages for the admin role only: others get 403 (the page's existence is no secret)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_office_admin(request.user):
            raise PermissionDenied("只有项目办管理员可以使用此功能。")
        return super().dispatch(request, *args, **kwargs)


def add_service_errors(form, error: ValidationError):
    """Put a service's ValidationError on the form: field messages on their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def period_from(request):
    """(year, month, error) from the GET parameters, defaulting to the current reporting month."""
    default_year, default_month = reporting_period()
    if "year" not in request.GET and "month" not in request.GET:
        return default_year, default_month, None
    form = PeriodForm({"year": request.GET.get("year", default_year), "month": request.GET.get("month", default_month)})
    if not form.is_valid():
        message = "；".join(message for messages in form.errors.values() for message in messages)
        return default_year, default_month, f"年月参数有误（{message}），已显示当前填报月份。"
    return form.cleaned_data["year"], form.cleaned_data["month"], None


class ForgivingPaginationMixin:
    """For a ListView: a page past the end shows the last page, and a page below 1 or not a number
    the first, so a stale or edited link still lands on the list instead of a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset, page_size, orphans=self.get_paginate_orphans(), allow_empty_first_page=self.get_allow_empty()
        )
        requested = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        try:
            number = forms.IntegerField().clean(requested)
        except ValidationError:
            number = 1
        page = paginator.page(min(max(number, 1), paginator.num_pages))
        return paginator, page, page.object_list, page.has_other_pages()

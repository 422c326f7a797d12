"""Shared view helpers: role checks, service errors on forms, the period a page is about, paging."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.roles import is_office_admin
from projects.choices import Level
from projects.forms import OverviewForm, PeriodForm, RegionForm, form_errors, parse_int
from projects.scoping import home_region, home_region_id
from projects.selectors.reporting import figures_period, reporting_period


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
    """(period, error) for the reporting pages from GET, defaulting to the month staff report now in
    the user's own districts (scoping.home_region_id). A wrong or empty year or month gives that month
    whole, and ``error`` says in Chinese what was wrong (None when nothing was)."""
    form = PeriodForm(request.GET)
    current = reporting_period(region=home_region_id(request.user))
    period = form.period(lambda year: current)
    empty = [name for name in ("year", "month") if name in request.GET and not request.GET[name].strip()]
    if form.errors or empty:
        wrong = form_errors(form, labels=False) or "年度和月份不能为空。"
        return current, f"年月参数有误（{wrong}），已显示当前填报月份。"
    return period, None


def _figures_form(request, form_class):
    """(bound form, period) for a page of figures: the month figures stand at in the user's own
    districts (selectors.reporting.figures_period) unless asked for; a bad value is reported as a
    message and replaced by its default."""
    form = form_class(request.GET)
    home = home_region_id(request.user)
    period = form.period(lambda year: figures_period(year, region=home))
    for field, errors in form.errors.items():
        messages.warning(request, f"参数「{form.fields[field].label}」有误：{'；'.join(errors)}已使用默认值。")
    return form, period


def figures_period_from(request):
    """The period of a page of figures without a level (the leader's home), as the overview reads it."""
    return _figures_form(request, PeriodForm)[1]


def overview_params(request):
    """(period, level) for the overview and its downloads from GET: by default the city level at
    the month figures stand in the user's own districts (selectors.reporting.figures_period); a bad
    value is reported as a message and replaced by its default."""
    form, period = _figures_form(request, OverviewForm)
    return period, form.cleaned_data.get("level") or Level.CITY


def region_from(request):
    """The node a page's figures are about: ``?region=<code>`` when the user may read it, else
    the user's own (scoping.home_region). A code the user may not read answers 404, as another
    office's project does: which nodes exist beside one's own is no business of the page."""
    if not request.GET.get("region"):
        return home_region(request.user)
    form = RegionForm(request.GET, user=request.user)
    if not form.is_valid():
        raise Http404("没有这个行政区划，或不在您的管理范围内。")
    return form.cleaned_data["region"]


class ForgivingPaginationMixin:
    """For a ListView: a page past the end shows the last page, and a page below 1 or not a number
    the first, so a stale or edited link still lands on the list instead of a 404."""

    def requested_page(self):
        """The page number asked for: 1 when none was, or one below 1 or not a number."""
        requested = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)
        return parse_int(requested, min_value=1) or 1

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset, page_size, orphans=self.get_paginate_orphans(), allow_empty_first_page=self.get_allow_empty()
        )
        page = paginator.page(min(self.requested_page(), paginator.num_pages))
        return paginator, page, page.object_list, page.has_other_pages()

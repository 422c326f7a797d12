"""Monthly reporting pages: the month's sheet, the report form, returning, closing, the missing list
with its 报送及时率 and 催报."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import is_office_admin
from projects.choices import ReportStatus
from projects.filtersets import ReportSheetFilterSet, active_filters, filter_errors
from projects.forms import (
    MonthCloseForm,
    MonthForm,
    MonthReopenForm,
    ProblemRowFormSet,
    ReportForm,
    ReportReturnForm,
    form_errors,
)
from projects.models import Listing, MonthlyReport
from projects.scoping import home_region, office_districts
from projects.selectors.empty_states import no_listings_text, year_listed
from projects.selectors.printing import print_heading
from projects.selectors.reporting import (
    REPORT_STATE_LABELS,
    milestones_open_for,
    missing_reports,
    month_closing,
    report_actions,
    report_figures,
    report_last_save,
    report_sheet,
    report_state_counts,
    sheet_districts,
    sheet_streets,
)
from projects.selectors.timeliness import report_timeliness
from projects.services.chasing import reports_chase
from projects.services.errors import NeedsConfirmation, ReportConflict
from projects.services.reports import (
    month_close,
    month_close_refusal,
    month_reopen,
    month_reopen_refusal,
    problem_date_default,
    report_return,
    report_save,
)
from projects.views.mixins import (
    OfficeAdminRequiredMixin,
    add_service_errors,
    period_from,
)


def sheet_url(year, month):
    return f"{reverse('projects:report_sheet')}?year={year}&month={month}"


def district_names(districts, *, shown=5):
    """Districts as the words of a page or message: "卫东区、新华区", or the first few and how many."""
    names = [district.name for district in districts]
    if len(names) <= shown:
        return "、".join(names)
    return f"{'、'.join(names[:shown])}等 {len(names)} 个区县"


class ReportSheetView(LoginRequiredMixin, TemplateView):
    """A reporter's home: the month's listings in their scope with the state of each report; for an
    admin also closing the month in the office's districts (with what is still unreported) and
    reopening the latest closed one. Where the districts differ (a city's office), it says which
    have closed the month. The rows can be narrowed by state and street; the counts above them stay
    the whole month's, which is what closing the month is judged by."""

    template_name = "projects/report_sheet.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        (year, month), error = period_from(self.request)
        if error:
            messages.warning(self.request, error)
        sheet = report_sheet(user=user, year=year, month=month)
        state_counts = report_state_counts(sheet)  # the whole month's, whatever the filter shows
        filterset = ReportSheetFilterSet(self.request.GET, queryset=sheet, streets=sheet_streets(sheet))
        if not filterset.is_valid():
            messages.warning(self.request, f"筛选条件有误，已忽略：{filter_errors(filterset)}")
        admin = is_office_admin(user)
        closing = month_closing(districts=sheet_districts(user=user, sheet=sheet), year=year, month=month)
        period = {"year": year, "month": month}
        unlisted = not sheet and not year_listed(user=user, year=year)
        return super().get_context_data(
            year=year,
            month=month,
            sheet=filterset.qs,
            filter=filterset,
            active_filters=active_filters(filterset, self.request.GET),
            month_total=sum(count for _, _, count in state_counts),
            state_counts=state_counts,
            unfinished_counts=[(label, n) for state, label, n in state_counts if state != ReportStatus.SUBMITTED],
            state_labels=REPORT_STATE_LABELS,
            closing=closing,
            closed=closing.all_closed,
            closed_names=district_names(closing.closed),
            open_names=district_names(closing.open),
            close_refusal=None if closing.all_closed or not admin else month_close_refusal(user=user, **period),
            close_form=MonthCloseForm(initial=period),
            can_reopen=admin and bool(closing.closed) and month_reopen_refusal(user=user, **period) is None,
            reopen_form=MonthReopenForm(initial=period),
            months=range(1, 13),
            no_listings=no_listings_text(year=year) if unlisted else None,
            **kwargs,
        )


class ReportEditView(LoginRequiredMixin, TemplateView):
    """One listing's report for one month: fill in, save as draft, submit."""

    template_name = "projects/report_form.html"

    def dispatch(self, request, *args, listing_id, month, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.listing = get_object_or_404(
            Listing.objects.kept_by(request.user).select_related("project__unit", "project__street"), pk=listing_id
        )
        if not 1 <= month <= 12:
            raise Http404("月份必须在1到12之间。")
        self.month = month
        self.report = (
            MonthlyReport.objects.filter(listing=self.listing, month=month)
            .select_related("reported_by", "returned_by")
            .first()
        )
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def actions(self):
        return report_actions(user=self.request.user, listing=self.listing, month=self.month, report=self.report)

    @property
    def correcting(self):
        """An admin's change here is a correction: the page shows the report read-only first, with
        退回 and 更正; the form opens when 更正 is chosen, and then asks for the reason."""
        return (
            self.actions.correction
            and self.actions.admin
            and (self.request.method == "POST" or self.request.GET.get("correct") == "1")
        )

    def make_forms(self, data=None, files=None):
        milestones = milestones_open_for(self.listing)
        initial = {"version": self.report.version if self.report else 0}
        if self.report:
            initial.update(investment=self.report.investment, progress=self.report.progress)
        form = ReportForm(data, files, initial=initial, milestones=milestones)
        problems = ProblemRowFormSet(
            data,
            prefix="problems",
            form_kwargs={"raised_on_default": problem_date_default(self.listing.year, self.month)},
        )
        return form, problems

    def get_context_data(self, form=None, problems=None, warnings=None, conflict=None, **kwargs):
        if form is None:
            form, problems = self.make_forms()
        investment = None
        if form.is_bound and not form.errors.get("investment"):
            investment = form.cleaned_data.get("investment") if hasattr(form, "cleaned_data") else None
        elif self.report:
            investment = self.report.investment
        report = self.report
        actions = self.actions
        return super().get_context_data(
            listing=self.listing,
            project=self.listing.project,
            month=self.month,
            report=report,
            last_save=report_last_save(report),
            form=form,
            problems=problems,
            figures=report_figures(listing=self.listing, month=self.month, investment=investment),
            warnings=warnings,
            conflict=conflict,
            actions=actions,
            # The form is shown to whoever may edit, except that an admin's correction opens on request.
            show_form=actions.editable and (not actions.correction or self.correcting),
            correcting=self.correcting,
            return_form=ReportReturnForm(initial={"version": report.version}) if report else None,
            photos=report.photos.all() if report else [],
            found_problems=report.problems.all() if report else [],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.actions.editable:
            messages.error(request, "该月填报当前不能修改。")
            return redirect(request.path)
        response = self.save(request)
        if response.status_code != 302 and request.FILES:
            # A browser cannot send chosen files again by itself: say so rather than lose them quietly.
            messages.warning(request, "本次没有保存，所选照片也未上传；改正后请重新选择照片。")
        return response

    def save(self, request):
        form, problems = self.make_forms(request.POST, request.FILES)
        if not (form.is_valid() and problems.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, problems=problems))
        submit = request.POST.get("action") == "submit"
        try:
            report = report_save(
                user=request.user,
                listing=self.listing,
                month=self.month,
                data=form.report_input(problems.forms),
                version=form.cleaned_data["version"],
                submit=submit,
                confirmed=form.cleaned_data["confirmed"],
                correction_reason=form.cleaned_data["correction_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form, problems=problems))
        except NeedsConfirmation as warning:
            return self.render_to_response(
                self.get_context_data(form=form, problems=problems, warnings=warning.warnings)
            )
        except ReportConflict as conflict:
            data = request.POST.copy()
            data["version"] = conflict.current.version  # saving again now deliberately replaces theirs
            form, problems = self.make_forms(data)
            form.is_valid()
            problems.is_valid()
            form.add_error(None, str(conflict))
            return self.render_to_response(
                self.get_context_data(form=form, problems=problems, conflict=conflict.current), status=409
            )
        what = f"{self.listing.project.name} {self.month}月"
        if report.was_correction:
            messages.success(request, f"已更正：{what}（{report.get_status_display()}），更正原因已记入变更记录。")
            return redirect(reverse("projects:report_edit", args=[report.listing_id, report.month]))
        if submit:
            messages.success(request, f"已报送：{what}。")
            return redirect(sheet_url(self.listing.year, self.month))
        messages.success(request, "已保存草稿。")
        return redirect(reverse("projects:report_edit", args=[report.listing_id, report.month]))


class ReportReturnView(OfficeAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        report = get_object_or_404(MonthlyReport.objects.visible_to(request.user).select_related("listing"), pk=pk)
        form = ReportReturnForm(request.POST)
        target = reverse("projects:report_edit", args=[report.listing_id, report.month])
        if not form.is_valid():
            messages.error(request, "退回失败：请填写退回原因。")
            return redirect(target)
        try:
            report_return(user=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "退回失败：" + "；".join(error.messages))
        except ReportConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, "已退回，填报人修改后可重新报送。")
        return redirect(target)


class MonthCloseView(OfficeAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = MonthCloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"未锁定：{form_errors(form, labels=False)}")
            return redirect(_sheet_of(form))
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        try:
            closed = month_close(user=request.user, year=year, month=month)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            where = _where(request.user, [row.district for row in closed])
            messages.success(request, f"{where}{year}年{month}月已锁定，此后修改须由管理员填写更正原因。")
        return redirect(sheet_url(year, month))


class MonthReopenView(OfficeAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = MonthReopenForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"未解锁：{form_errors(form, labels=False)}")
            return redirect(_sheet_of(form))
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        try:
            reopened = month_reopen(user=request.user, year=year, month=month, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, "未解锁：" + "；".join(error.messages))
        else:
            where = _where(request.user, reopened)
            messages.success(request, f"{where}{year}年{month}月已解锁，可以继续填报；解锁原因已记入变更记录。")
        return redirect(sheet_url(year, month))


def _where(user, districts):
    """The districts a close or reopen acted on, named where the office has several ("" otherwise)."""
    if office_districts(user).count() <= 1:
        return ""
    return f"{district_names(districts)}："


def _sheet_of(form):
    """The sheet the form came from, when its year and month are readable; else the current one."""
    data = getattr(form, "cleaned_data", {})
    if "year" in data and "month" in data:
        return sheet_url(data["year"], data["month"])
    return reverse("projects:report_sheet")


class MissingReportsView(OfficeAdminRequiredMixin, TemplateView):
    """未报送清单: the month's listings without a submitted report, grouped by street and unit."""

    template_name = "projects/report_missing.html"

    def get_context_data(self, **kwargs):
        (year, month), error = period_from(self.request)
        if error:
            messages.warning(self.request, error)
        user = self.request.user
        missing = missing_reports(user=user, year=year, month=month)
        return super().get_context_data(
            year=year,
            month=month,
            missing=missing,
            timeliness_streets=report_timeliness(user=user, year=year, month=month, by="street"),
            timeliness_units=report_timeliness(user=user, year=year, month=month, by="unit"),
            chase_form=MonthForm(initial={"year": year, "month": month}),
            several=office_districts(self.request.user).count() > 1,  # headed by district
            printing=print_heading(region=home_region(self.request.user), year=year, month=month, through=False),
            state_labels=REPORT_STATE_LABELS,
            months=range(1, 13),
            **kwargs,
        )


def missing_url(year, month):
    return f"{reverse('projects:report_missing')}?year={year}&month={month}"


class ReportChaseView(OfficeAdminRequiredMixin, View):
    """催报: remind the staff whose listings still miss the month's report."""

    http_method_names = ["post"]

    def post(self, request):
        form = MonthForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"未催报：{form_errors(form, labels=False)}")
            return redirect(reverse("projects:report_missing"))
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        try:
            chased = reports_chase(user=request.user, year=year, month=month)
        except ValidationError as error:
            messages.error(request, "未催报：" + "；".join(error.messages))
        else:
            messages.success(request, f"已向{chased}人发送催报提醒。")
        return redirect(missing_url(year, month))

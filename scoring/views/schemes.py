"""考核方案 pages: the schemes a user may read, creating one, a scheme's rules (and, for its office,
the form that changes them), and a period's 加分/减分 with their withdrawal.

Who may do what is scoring.selectors.access's: a scheme out of the user's reach answers 404, a
write by someone who may only read it 403."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from accounts.roles import is_office_admin
from projects.forms import form_errors
from projects.scoping import office_districts
from projects.selectors.reporting import figures_period
from projects.views.mixins import add_service_errors
from scoring.choices import PeriodKind
from scoring.forms import (
    AdjustmentForm,
    AdjustmentWithdrawForm,
    SchemeCreateForm,
    SchemeForm,
    ScorePeriodForm,
    criterion_formset,
    criterion_initial,
    period_choices,
    period_param,
)
from scoring.models import Adjustment, ScoreSheet
from scoring.periods import ScorePeriod
from scoring.selectors.access import managed_schemes, may_manage, visible_schemes
from scoring.selectors.adjustments import period_adjustments
from scoring.selectors.schemes import rulebook, scheme_changes, scheme_list
from scoring.services.adjustments import adjustment_add, adjustment_withdraw
from scoring.services.schemes import CriteriaInvalid, SchemeConflict, scheme_create, scheme_update


class SchemeListView(LoginRequiredMixin, View):
    """GET: the schemes of the districts the user may read, newest year first."""

    def get(self, request):
        user = request.user
        schemes = scheme_list(user=user)
        managed = set(managed_schemes(user).values_list("pk", flat=True))
        context = {
            "schemes": schemes,
            "managed": managed,
            "may_create": is_office_admin(user) and office_districts(user).exists(),
        }
        return render(request, "scoring/scheme_list.html", context)


class SchemeCreateView(LoginRequiredMixin, View):
    """A new scheme, for the admins of an office that manages a district (others: 403)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            is_office_admin(request.user) and office_districts(request.user).exists()
        ):
            raise PermissionDenied("只有管理区县的项目办管理员可以新建考核方案。")
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, form):
        return render(request, "scoring/scheme_form.html", {"form": form})

    def get(self, request):
        return self.render(request, SchemeCreateForm(districts=office_districts(request.user)))

    def post(self, request):
        form = SchemeCreateForm(request.POST, districts=office_districts(request.user))
        if form.is_valid():
            try:
                scheme = scheme_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                count = scheme.criteria.count()
                if form.cleaned_data["copy_previous"]:
                    messages.success(request, f"已新建{scheme.district}{scheme}，并复制了上一年度方案的{count}项指标。")
                else:
                    messages.success(
                        request,
                        f"已新建{scheme.district}{scheme}。请添加指标：街道、责任单位的基本分指标各应合计100分。",
                    )
                return redirect("scoring:scheme_edit", scheme.pk)
        return self.render(request, form)


def _scheme_or_404(user, pk):
    return get_object_or_404(visible_schemes(user).select_related("district"), pk=pk)


def _frozen_periods(scheme):
    """The labels of the scheme's frozen periods, in the year's order."""
    sheets = ScoreSheet.objects.filter(scheme=scheme).values_list("period_kind", "number")
    order = {PeriodKind.MONTH: 0, PeriodKind.QUARTER: 1, PeriodKind.YEAR: 2}
    periods = sorted(
        (ScorePeriod(kind, scheme.year, number) for kind, number in sheets), key=lambda p: (order[p.kind], p.number)
    )
    return [period.label for period in periods]


class SchemeEditView(LoginRequiredMixin, View):
    """GET: the scheme's rules as published, its frozen periods and its change record; for the
    office that manages it, the form of its fields and criteria. POST: save them (scheme_update)."""

    template_name = "scoring/scheme_edit.html"

    def render(self, request, scheme, *, form=None, formset=None, status=200):
        manages = may_manage(request.user, scheme)
        if manages and form is None:
            criteria = list(scheme.criteria.order_by("sort_order", "id"))
            form = SchemeForm(scheme=scheme)
            formset = criterion_formset(initial=criterion_initial(criteria), stored=len(criteria))
        rules, totals, bonus = rulebook(scheme)
        context = {
            "scheme": scheme,
            "rules": rules,
            "totals": totals,
            "bonus": bonus,
            "frozen": _frozen_periods(scheme),
            "changes": scheme_changes(user=request.user, scheme=scheme),
            "manages": manages,
            "form": form,
            "formset": formset,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(request, _scheme_or_404(request.user, pk))

    def post(self, request, pk):
        scheme = _scheme_or_404(request.user, pk)
        if not may_manage(request.user, scheme):
            raise PermissionDenied("只有本区项目办管理员可以修改考核方案。")
        form = SchemeForm(request.POST, scheme=scheme)
        formset = criterion_formset(request.POST, stored=0)
        if form.is_valid() and formset.is_valid():
            try:
                scheme_update(
                    user=request.user,
                    scheme=scheme,
                    fields=form.scheme_fields(),
                    criteria=formset.criteria(),
                    expected_updated_at=form.cleaned_data["updated_at"],
                )
            except SchemeConflict as conflict:
                form.add_error(None, conflict.messages)
                return self.render(request, scheme, form=form, formset=formset, status=409)
            except CriteriaInvalid as error:
                rows = formset.rows()
                for position, errors in error.rows.items():
                    add_service_errors(rows[position], ValidationError(errors))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已保存{scheme}。")
                return redirect("scoring:scheme_edit", scheme.pk)
        return self.render(request, scheme, form=form, formset=formset)


def _default_period(scheme):
    """The month the district's figures stand at in the scheme's year."""
    return ScorePeriod(PeriodKind.MONTH, scheme.year, figures_period(scheme.year, region=scheme.district_id).month)


def _adjustments_url(scheme_pk, period):
    return f"{reverse('scoring:adjustments', args=[scheme_pk])}?period={period_param(period)}"


class AdjustmentListView(LoginRequiredMixin, View):
    """GET: a period's 加分/减分 of a scheme (?period=month-9), in force and withdrawn, as far as the
    user may see them; for the office that manages the scheme, the form to add one. POST: add one."""

    def period(self, request, scheme):
        form = ScorePeriodForm(request.GET)
        period = form.score_period(_default_period(scheme))
        for field, errors in form.errors.items():
            messages.warning(request, f"参数「{form.fields[field].label}」有误：{'；'.join(errors)}已使用默认值。")
        return ScorePeriod(period.kind, scheme.year, period.number)  # the scheme's own year, always

    def render(self, request, scheme, period, *, form=None, status=200):
        manages = may_manage(request.user, scheme)
        sheet = (
            ScoreSheet.objects.filter(scheme=scheme, period_kind=period.kind, number=period.number)
            .select_related("frozen_by")
            .first()
        )
        in_force, withdrawn = period_adjustments(user=request.user, scheme=scheme, period=period)
        if sheet is not None and form is not None and form.errors:
            # Frozen since the page was read: no form any more, but the refusal is said.
            messages.error(request, form_errors(form, labels=False))
        if manages and sheet is None and form is None:
            form = AdjustmentForm(scheme=scheme)
        context = {
            "scheme": scheme,
            "period": period,
            "period_value": period_param(period),
            "period_choices": period_choices(),
            "sheet": sheet,
            "in_force": in_force,
            "withdrawn": withdrawn,
            "manages": manages,
            "form": form if sheet is None else None,
            "withdraw_form": AdjustmentWithdrawForm() if manages and sheet is None else None,
        }
        return render(request, "scoring/adjustments.html", context, status=status)

    def get(self, request, pk):
        scheme = _scheme_or_404(request.user, pk)
        return self.render(request, scheme, self.period(request, scheme))

    def post(self, request, pk):
        scheme = _scheme_or_404(request.user, pk)
        if not may_manage(request.user, scheme):
            raise PermissionDenied("只有本区项目办管理员可以加减分。")
        form = AdjustmentForm(request.POST, scheme=scheme)
        asked = ScorePeriodForm(request.GET)
        if not request.GET.get("period") or not asked.is_valid():
            # Never into a period the page did not name: a default would move with the calendar.
            messages.error(request, "考核周期缺失或有误，未记加减分。请在加减分页面选择周期后重新提交。")
            return self.render(request, scheme, self.period(request, scheme), form=form, status=400)
        period = self.period(request, scheme)
        if form.is_valid():
            try:
                adjustment = adjustment_add(user=request.user, scheme=scheme, period=period, **form.service_kwargs())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已为{adjustment.subject}记{adjustment.points:+}分（{period.label}）。")
                return redirect(_adjustments_url(scheme.pk, period))
        return self.render(request, scheme, period, form=form)


class AdjustmentWithdrawView(LoginRequiredMixin, View):
    """POST only: withdraw an adjustment with a reason (the office that manages its scheme)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        adjustment = get_object_or_404(
            Adjustment.objects.filter(scheme__in=visible_schemes(request.user)).select_related(
                "scheme", "street", "unit"
            ),
            pk=pk,
        )
        if not may_manage(request.user, adjustment.scheme):
            raise PermissionDenied("只有本区项目办管理员可以撤销加减分。")
        period = ScorePeriod(adjustment.period_kind, adjustment.scheme.year, adjustment.number)
        form = AdjustmentWithdrawForm(request.POST)
        label = f"{adjustment.subject}的{adjustment.points:+}分"
        if not form.is_valid():
            messages.error(request, f"未撤销{label}：{'；'.join(m for ms in form.errors.values() for m in ms)}")
        else:
            try:
                adjustment_withdraw(
                    user=request.user,
                    adjustment=adjustment,
                    reason=form.cleaned_data["reason"],
                    expected_updated_at=form.cleaned_data["updated_at"],
                )
            except ValidationError as error:
                messages.error(request, f"未撤销{label}：{'；'.join(error.messages)}")
            else:
                messages.success(request, f"已撤销{label}，撤销理由已记录。")
        return redirect(_adjustments_url(adjustment.scheme_id, period))

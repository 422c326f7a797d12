"""Forms that parse scoring's input: the period a page is about (here), the scheme and its criteria,
adjustments (scoring's pages add theirs below)."""

from dataclasses import replace

from django import forms
from django.core.exceptions import ValidationError

from dispatch.forms import UpdatedAtField
from projects import clock
from projects.choices import Level, UnitKind
from projects.models import FIRST_YEAR, LAST_YEAR, Region, Street, Unit
from scoring.choices import Formula, Measure, PeriodKind, SubjectKind
from scoring.models import MAX_POINTS, Applies
from scoring.periods import QUARTER_NAMES, ScorePeriod
from scoring.selectors.schemes import CRITERION_FIELDS, SCHEME_FIELDS
from scoring.services.schemes import CriterionInput

SORT_ORDER_MAX = 32767  # Criterion.sort_order, a PositiveSmallIntegerField


def period_choices():
    """("month-9", "9月"), …, ("quarter-3", "第三季度"), …, ("year-1", "全年")."""
    months = [(f"{PeriodKind.MONTH}-{m}", f"{m}月") for m in range(1, 13)]
    quarters = [(f"{PeriodKind.QUARTER}-{q}", f"第{QUARTER_NAMES[q]}季度") for q in range(1, 5)]
    return [*months, *quarters, (f"{PeriodKind.YEAR}-1", "全年")]


class ScorePeriodForm(forms.Form):
    """A year and a period of it from GET (``?year=2015&period=month-9``), each optional;
    ``score_period(default)`` fills what is missing from ``default`` (a ScorePeriod)."""

    year = forms.IntegerField(
        label="年度",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        error_messages={"invalid": "年度必须是数字。"},
    )
    period = forms.ChoiceField(
        label="考核周期",
        choices=period_choices,
        required=False,
        error_messages={"invalid_choice": "考核周期只能是某月、某季度或全年。"},
    )

    def score_period(self, default):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        year = data.get("year") or default.year
        if data.get("period"):
            kind, number = data["period"].split("-")
            return ScorePeriod.parse(kind, year, int(number))
        return ScorePeriod(default.kind, year, default.number)


def period_param(period):
    """The GET value of a period: "month-9"."""
    return f"{period.kind}-{period.number}"


# --- 考核方案: creating and editing a scheme ----------------------------------------------------------


def _level_field():
    return forms.ChoiceField(
        label="考核范围",
        choices=[("", "全部清单"), *Level.choices],
        required=False,
        help_text="留空表示该年度清单上的全部项目（同一项目在多级清单上只计一次，按最高一级）。",
        error_messages={"invalid_choice": "考核范围只能是某一级清单，或全部清单。"},
    )


def _name_field():
    return forms.CharField(
        label="方案名称", max_length=100, error_messages={"required": "请填写方案名称。"}, initial="重点项目考核办法"
    )


def _notes_field():
    return forms.CharField(label="说明", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class SchemeCreateForm(forms.Form):
    """A new scheme: one of the districts the admin's office manages (preselected when it is the
    only one), the year, and whether to copy the previous year's criteria."""

    district = forms.ModelChoiceField(
        label="所属区县",
        queryset=Region.objects.none(),
        error_messages={"required": "请选择区县。", "invalid_choice": "没有这个区县，或不在您的管理范围内。"},
    )
    year = forms.IntegerField(
        label="年度",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={"required": "请填写年度。", "invalid": "年度必须是数字。"},
    )
    name = _name_field()
    level = _level_field()
    notes = _notes_field()
    copy_previous = forms.BooleanField(
        label="复制上一年度方案的指标",
        required=False,
        help_text="勾选后按该区县上一年度方案的指标建立，新建后仍可修改。",
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        only = list(districts[:2])
        if len(only) == 1:
            self.fields["district"].initial = only[0].pk
            self.fields["district"].empty_label = None
        self.fields["year"].initial = clock.today().year


class SchemeForm(forms.Form):
    """A scheme's own fields on its page; the district and the year stay as created. The hidden
    ``updated_at`` is the scheme's state when the page was opened."""

    name = _name_field()
    level = _level_field()
    notes = _notes_field()
    updated_at = UpdatedAtField()

    def __init__(self, *args, scheme, **kwargs):
        kwargs.setdefault("initial", {})
        for field in SCHEME_FIELDS:
            kwargs["initial"].setdefault(field, getattr(scheme, field))
        kwargs["initial"].setdefault("updated_at", scheme.updated_at.isoformat())
        super().__init__(*args, **kwargs)

    def scheme_fields(self):
        return {field: self.cleaned_data[field] for field in SCHEME_FIELDS}


def _parameter_field(label):
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=6,
        decimal_places=2,
        error_messages={"invalid": "请填写数字。"},
    )


class CriterionForm(forms.Form):
    """One row of the scheme's criteria: parsed here, judged by the service (Criterion's rules)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    sort_order = forms.IntegerField(
        label="排序",
        required=False,
        min_value=0,
        max_value=SORT_ORDER_MAX,
        error_messages={"invalid": "排序须为整数。"},
    )
    name = forms.CharField(label="指标名称", max_length=50, error_messages={"required": "请填写指标名称。"})
    measure = forms.ChoiceField(
        label="考核内容",
        choices=[("", "—请选择—"), *Measure.choices],
        error_messages={"required": "请选择考核内容。", "invalid_choice": "没有这个考核内容。"},
    )
    applies_to = forms.ChoiceField(
        label="考核对象",
        choices=Applies.choices,
        initial=Applies.BOTH,
        error_messages={"invalid_choice": "没有这个考核对象。"},
    )
    weight = forms.DecimalField(
        label="分值",
        max_digits=6,
        decimal_places=2,
        error_messages={"required": "请填写分值。", "invalid": "分值须为数字。"},
    )
    formula = forms.ChoiceField(
        label="计分方法",
        choices=[("", "—请选择—"), *Formula.choices],
        error_messages={"required": "请选择计分方法。", "invalid_choice": "没有这个计分方法。"},
    )
    lower = _parameter_field("下限（%）")
    upper = _parameter_field("上限（%）")
    target = _parameter_field("目标值（%）")
    per_item = _parameter_field("每项/每点分值")

    def criterion(self):
        data = self.cleaned_data
        return CriterionInput(**{field: data.get(field) for field in ("id", *CRITERION_FIELDS)})


class BaseCriterionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "删除该指标（已定稿的周期不受影响）"

    def rows(self):
        """The forms of the criteria the scheme is to keep, in the page's order: every stored one not
        marked 删除, and each new row filled in."""
        return [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.cleaned_data.get("id") or form.has_changed())
        ]

    def criteria(self):
        """The CriterionInput of each row; a new row without an order goes after the others."""
        criteria = [form.criterion() for form in self.rows()]
        last = max((c.sort_order for c in criteria if c.sort_order is not None), default=0)
        placed = []
        for criterion in criteria:
            if criterion.sort_order is None:
                last = min(last + 1, SORT_ORDER_MAX)
                criterion = replace(criterion, sort_order=last)
            placed.append(criterion)
        return placed


MAX_CRITERIA = 30


def criterion_formset(*args, stored, **kwargs):
    """The criteria's formset (prefix "criteria"): a few blank rows to add criteria after the
    ``stored`` ones, more when there are none yet."""
    formset_class = forms.formset_factory(
        CriterionForm,
        formset=BaseCriterionFormSet,
        extra=3 if stored else 8,
        can_delete=True,
        max_num=MAX_CRITERIA,
        validate_max=True,
        absolute_max=MAX_CRITERIA,
    )
    return formset_class(*args, prefix="criteria", **kwargs)


def criterion_initial(criteria):
    """The formset's initial rows for a scheme's stored criteria."""
    return [{"id": c.pk, **{field: getattr(c, field) for field in CRITERION_FIELDS}} for c in criteria]


# --- 加分/减分 ------------------------------------------------------------------------------------------


def subject_value(kind, pk):
    """The select's value of a street or unit: "street-5", "unit-7"."""
    return f"{kind}-{pk}"


class AdjustmentForm(forms.Form):
    """An adjustment: one select of the scheme's district's streets and departments (grouped 街道 /
    责任单位, values "street-5" / "unit-7"), the points and the reason."""

    subject = forms.ChoiceField(
        label="考核对象", error_messages={"required": "请选择考核对象。", "invalid_choice": "没有这个考核对象。"}
    )
    points = forms.DecimalField(
        label="分值",
        max_digits=5,
        decimal_places=2,
        min_value=-MAX_POINTS,
        max_value=MAX_POINTS,
        help_text="正数为加分，负数为减分，最多两位小数。",
        error_messages={
            "required": "请填写加减分分值。",
            "invalid": "分值须为数字。",
            "min_value": "加减分分值应在-100分到100分之间。",
            "max_value": "加减分分值应在-100分到100分之间。",
            "max_decimal_places": "加减分分值最多保留两位小数。",
            "max_digits": "加减分分值应在-100分到100分之间。",
        },
    )
    reason = forms.CharField(
        label="理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写加减分理由。"},
    )

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        streets = Street.objects.filter(district_id=scheme.district_id).order_by("sort_order", "name")
        units = Unit.objects.filter(district_id=scheme.district_id, kind=UnitKind.DEPARTMENT)
        self.subjects = {subject_value(SubjectKind.STREET, s.pk): (SubjectKind.STREET, s) for s in streets}
        self.subjects |= {
            subject_value(SubjectKind.UNIT, u.pk): (SubjectKind.UNIT, u) for u in units.order_by("sort_order", "name")
        }
        self.fields["subject"].choices = [
            ("", "—请选择—"),
            *[
                (SubjectKind(kind).label, [(value, str(obj)) for value, (k, obj) in self.subjects.items() if k == kind])
                for kind in SubjectKind.values
            ],
        ]

    def clean_subject(self):
        return self.subjects[self.cleaned_data["subject"]]

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise ValidationError("加减分分值不能为0。")
        return points

    def service_kwargs(self):
        kind, subject = self.cleaned_data["subject"]
        return {
            "subject_kind": kind,
            "subject": subject,
            "points": self.cleaned_data["points"],
            "reason": self.cleaned_data["reason"],
        }


class AdjustmentWithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=1000, error_messages={"required": "请填写撤销理由。"})
    updated_at = UpdatedAtField()

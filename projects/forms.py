"""Forms of the project pages; each binds only the fields it declares and hands typed values to a
service, which holds the rules."""

import hashlib

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from projects import clock
from projects.amounts import AmountTextError, parse_amount_text
from projects.choices import Level, ProblemKind, ProblemStatus
from projects.fields import ID_MAX
from projects.importers.formats import CONTENT_TYPES
from projects.models import FIRST_YEAR, LAST_YEAR, Instruction, Leader, Project, Region, Street, Unit
from projects.periods import Period
from projects.picker import ProjectPickerField
from projects.scoping import in_region, visible_regions
from projects.services.photos import photo_check
from projects.services.reports import PROGRESS_MAX_CHARS, ProblemInput, ReportInput

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InstructionForm(forms.ModelForm):
    class Meta:
        model = Instruction
        fields = ["text"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "placeholder": "填写督办意见，如：请责任单位本周内协调解决。"})
        }
        labels = {"text": "督办意见"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked as a real JPEG/PNG image."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "multiple": True})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(photo_check(super().clean(upload, initial)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class AmountFormField(forms.DecimalField):
    """An amount in 万元 as people type it: "36,830", "３６８３０", " 1200 " are all numbers; a comma
    anywhere but between groups of three, or an exponent, is refused (see projects.amounts)."""

    def to_python(self, value):
        if not isinstance(value, str):
            return super().to_python(value)
        try:
            return parse_amount_text(value)
        except AmountTextError as error:
            # The message quotes what was typed; the field's own "invalid" text says what is expected.
            reason = error.reason or str(self.error_messages["invalid"])
            raise ValidationError(f"「{error.typed}」不是有效的金额：{reason.rstrip('。')}。", code="invalid") from None


class ReportForm(forms.Form):
    investment = AmountFormField(
        label="本月完成投资（万元）",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        max_value=settings.KP_MAX_MONTHLY_INVESTMENT,
        error_messages={
            "required": "请填写本月完成投资（没有投资请填 0）。",
            "invalid": "本月完成投资必须是数字，单位万元，如 1250.50。",
            "min_value": "本月完成投资不能为负数。",
            "max_value": f"本月完成投资不能超过 {settings.KP_MAX_MONTHLY_INVESTMENT:,.0f} 万元，请核对单位（万元）。",
            "max_digits": "数字位数过多，请核对单位（万元）。",
            "max_decimal_places": "最多保留两位小数。",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    progress = forms.CharField(
        label="形象进度",
        required=False,
        max_length=PROGRESS_MAX_CHARS,
        error_messages={"max_length": f"形象进度请写在 {PROGRESS_MAX_CHARS} 字以内（进展表的一格打印得下）。"},
        help_text=f"{PROGRESS_MAX_CHARS} 字以内。",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "如：两座高48米的蒸馏塔已建成，配套设施正在安装。"}),
    )
    photos = PhotosField(label="现场照片", required=False, help_text="JPEG 或 PNG，可多选，每张不超过 10 MB。")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirmed = forms.BooleanField(label="我已核实以上数值无误，确认保存", required=False)
    correction_reason = forms.CharField(label="更正原因（必填）", required=False, max_length=500)

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        for milestone in self.milestones:
            self.fields[f"milestone_{milestone.pk}"] = forms.DateField(
                label=f"{milestone.name}（计划 {milestone.planned_date:%Y-%m-%d}）",
                required=False,
                widget=DATE_INPUT,
                initial=milestone.actual_date,
            )

    def milestone_fields(self):
        return [self[f"milestone_{milestone.pk}"] for milestone in self.milestones]

    def report_input(self, problem_forms):
        data = self.cleaned_data
        return ReportInput(
            investment=data["investment"],
            progress=data["progress"],
            problems=[form.problem_input() for form in problem_forms if form.has_problem()],
            milestones={
                milestone: data[f"milestone_{milestone.pk}"]
                for milestone in self.milestones
                if data.get(f"milestone_{milestone.pk}")
            },
            photos=data["photos"],
        )


class ProblemRowForm(forms.Form):
    description = forms.CharField(
        label="发现的问题", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label="问题类型", choices=ProblemKind.choices, initial=ProblemKind.OTHER)
    raised_on = forms.DateField(label="发现日期", required=False, widget=DATE_INPUT)
    deadline = forms.DateField(label="办结期限", required=False, widget=DATE_INPUT)

    def __init__(self, *args, raised_on_default=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_on"].initial = raised_on_default  # the report month's last day

    def clean(self):
        data = super().clean()
        if data.get("deadline") and not (data.get("description") or "").strip():
            self.add_error("description", "填写了办结期限，请同时填写问题描述。")
        return data

    def has_problem(self):
        return bool(self.cleaned_data.get("description", "").strip())

    def problem_input(self):
        data = self.cleaned_data
        return ProblemInput(
            description=data["description"],
            kind=data["kind"],
            raised_on=data.get("raised_on"),
            deadline=data.get("deadline"),
        )


ProblemRowFormSet = forms.formset_factory(ProblemRowForm, extra=3, max_num=10, validate_max=True)


class ReportReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MonthForm(forms.Form):
    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, widget=forms.HiddenInput)
    month = forms.IntegerField(min_value=1, max_value=12, widget=forms.HiddenInput)


class MonthCloseForm(MonthForm):
    confirmed = forms.BooleanField(
        label="我已核对以上未报送情况，确认锁定",
        error_messages={"required": "请先勾选确认，再锁定月份。"},
    )


class MonthReopenForm(MonthForm):
    reason = forms.CharField(
        label="解锁原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写解锁原因。"},
    )


class ProblemForm(forms.Form):
    project = ProjectPickerField(label="项目", scope="kept")
    description = forms.CharField(label="问题描述", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label="问题类型", choices=ProblemKind.choices)
    raised_on = forms.DateField(
        label="发现日期", required=False, initial=clock.today, widget=DATE_INPUT, help_text="留空为今天。"
    )
    deadline = forms.DateField(label="办结期限", required=False, widget=DATE_INPUT)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class ProblemTransitionForm(forms.Form):
    to_status = forms.ChoiceField(
        label="改为",
        choices=[(ProblemStatus.COORDINATING, "协调解决中"), (ProblemStatus.RESOLVED, "已解决")],
    )
    resolution = forms.CharField(
        label="解决情况（改为已解决时必填）", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label="说明", required=False, max_length=1000)

    def __init__(self, *args, office=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not office:  # a street's "已解决" waits for the office's 销号: the choice says so
            self.fields["to_status"].choices = [
                (ProblemStatus.COORDINATING, "协调解决中"),
                (ProblemStatus.RESOLVED, "已解决（报项目办确认销号）"),
            ]


class ProblemConfirmForm(forms.Form):
    """The office's 确认销号 of a problem a street reports solved."""

    note = forms.CharField(label="销号说明", required=False, max_length=1000)
    seen = forms.DateTimeField(widget=forms.HiddenInput, required=False)  # the problem as the page showed it


class ProblemSendBackForm(forms.Form):
    """The office's 退回 of a problem a street reports solved: why it is not solved."""

    reason = forms.CharField(
        label="退回原因",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写退回原因。"},
    )
    seen = forms.DateTimeField(widget=forms.HiddenInput, required=False)  # the problem as the page showed it


class VisitForm(forms.Form):
    project = ProjectPickerField(label="项目")
    date = forms.DateField(label="督察日期", widget=DATE_INPUT)
    leaders = forms.ModelMultipleChoiceField(
        label="带队领导", queryset=Leader.objects.filter(is_active=True), widget=forms.CheckboxSelectMultiple
    )
    findings = forms.CharField(
        label="督察发现", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), help_text="每行一个问题。"
    )
    rectification_deadline = forms.DateField(label="限期整改日期", required=False, widget=DATE_INPUT)
    make_problems = forms.BooleanField(
        label="保存后把每行督察发现登记为问题（下一步逐条选择问题类型）", required=False, initial=True
    )

    def __init__(self, *args, projects, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["leaders"].queryset = Leader.objects.filter(is_active=True, region__in=visible_regions(user))


class VisitFindingsForm(forms.Form):
    """One problem type per finding of a visit not yet logged as a problem."""

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = {}
        for line in findings:
            name = "kind_" + hashlib.sha1(line.encode()).hexdigest()[:12]  # stable if other lines go
            self.findings[name] = line
            self.fields[name] = forms.ChoiceField(
                label=line, choices=ProblemKind.choices, initial=ProblemKind.OTHER, required=False
            )

    def kinds(self):
        """{finding line: chosen problem type}; 其他 where none was chosen."""
        return {line: self.cleaned_data[name] or ProblemKind.OTHER for name, line in self.findings.items()}


def form_errors(form, *, labels=True):
    """A bound form's errors as one line of Chinese, each naming its field by label (「街道」没有这个街道。)."""
    return "".join(
        f"「{form.fields[name].label}」{'；'.join(errors)}" if labels and name in form.fields else "；".join(errors)
        for name, errors in form.errors.items()
    )


def parse_id(value):
    """A row id from a request (a link's ``?project=``, a checkbox), or None when it cannot be one."""
    return parse_int(value, min_value=1, max_value=ID_MAX)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Ticked rows by id, where a number no row can have is an invalid choice like any other, not a
    database error (SQLite overflows on ids past ID_MAX)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def parse_int(value, *, min_value=None, max_value=None):
    """An integer request parameter read as a form reads it, or None when it is not one: "²" passes
    str.isdigit() but is no number, and a bad parameter must never become a 500."""
    field = forms.IntegerField(required=False, min_value=min_value, max_value=max_value)
    try:
        return field.clean(value)
    except ValidationError:
        return None


class PeriodForm(forms.Form):
    """A year and a month from GET parameters, each optional. ``period(default)`` gives the Period
    asked for, filling what is missing or wrong from ``default(year)`` — a function of the year
    asked for (None when none) — so each page keeps its own default rule (selectors.reporting)."""

    year = forms.IntegerField(
        label="年度",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        error_messages={"invalid": "年度必须是数字。"},
    )
    month = forms.IntegerField(
        label="月份",
        min_value=1,
        max_value=12,
        required=False,
        error_messages={"invalid": "月份必须是1到12的数字。"},
    )

    def period(self, default):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        year = data.get("year")
        fallback = default(year)
        return Period(year or fallback.year, data.get("month") or fallback.month)


class OverviewForm(PeriodForm):
    """The overview's (and its downloads') year, month and level, with Chinese messages."""

    level = forms.ChoiceField(
        label="级别",
        choices=Level.choices,
        required=False,
        error_messages={"invalid_choice": "级别只能是 province、city 或 district。"},
    )


class RegionForm(forms.Form):
    """A node of the administrative tree by its code (``?region=410403``), among those the user may
    read (scoping.visible_regions)."""

    region = forms.ModelChoiceField(
        label="行政区划", queryset=Region.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = visible_regions(user)


class ProgressExportForm(OverviewForm):
    """The progress table's period and level, and optionally one street or one unit among those
    whose projects the user may see under the table's node (another is refused: its table would be
    empty or mislabelled)."""

    street = forms.ModelChoiceField(
        label="街道",
        queryset=Street.objects.none(),
        required=False,
        error_messages={"invalid_choice": "没有这个街道，或不在您的范围内。"},
    )
    unit = forms.ModelChoiceField(
        label="责任单位",
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": "没有这个责任单位，或不在您的范围内。"},
    )

    def __init__(self, *args, user, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        projects = Project.objects.visible_to(user).filter(in_region(region))  # under the table's node
        self.fields["street"].queryset = Street.objects.filter(pk__in=projects.values("street_id"))
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=projects.values("unit_id"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="清单文件（.xlsx、.xls 或 .ods）",
        error_messages={"required": "请选择要导入的清单文件（.xlsx、.xls 或 .ods）。", "empty": "文件是空的。"},
        help_text="WPS 表格（.et）请先在 WPS 中另存为 .xlsx 或 .xls。",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join([*CONTENT_TYPES, *CONTENT_TYPES.values()])}),
    )
    year = forms.IntegerField(label="清单年度", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    level = forms.ChoiceField(label="级别", choices=Level.choices, initial=Level.CITY)
    region = forms.ModelChoiceField(
        label="导入的项目办",
        queryset=Region.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="（请选择）",
        error_messages={"invalid_choice": "没有这个行政区划。"},
        help_text="清单中的项目只导入该行政区划及其下辖县区。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # An office imports as itself (services.imports.import_office); only the operator, who is
        # no office, names one.
        if user.is_superuser:
            self.fields["region"].queryset = visible_regions(user)
        else:
            del self.fields["region"]

"""Forms of the resources (要素保障) and statistics (入统) pages: they parse what was typed into typed
values for approvals.services.resources and .statistics, which hold the rules."""

from decimal import Decimal

from django import forms

from approvals.choices import FundingSource
from approvals.services.resources import FundingInput, LandInput
from projects.forms import DATE_INPUT, AmountFormField
from projects.models import FIRST_YEAR, LAST_YEAR

ZERO = Decimal("0")
NUMBER_INPUT = {"inputmode": "decimal", "autocomplete": "off"}


def amount_field(label, *, unit="万元", max_digits=14):
    """A figure as people type it (projects.forms.AmountFormField), blank for none, never negative."""
    return AmountFormField(
        label=label,
        required=False,
        max_digits=max_digits,
        decimal_places=2,
        min_value=0,
        error_messages={
            "invalid": f"{label}必须是数字，单位{unit}，如 1250.50。",
            "min_value": f"{label}不能为负数。",
            "max_digits": f"{label}数字位数过多，请核对单位（{unit}）。",
            "max_whole_digits": f"{label}数字位数过多，请核对单位（{unit}）。",
            "max_decimal_places": f"{label}最多保留两位小数。",
        },
        widget=forms.TextInput(attrs=NUMBER_INPUT),
    )


class YearForm(forms.Form):
    """The year a page is about (``?year=``), optional: the page falls back to the latest listed year."""

    year = forms.IntegerField(
        label="年度",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        error_messages={"invalid": "年度必须是数字。"},
    )


class VersionForm(forms.Form):
    """What every save carries: the version of the rows the page was opened at (no silent overwrite)."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)


class LandForm(forms.Form):
    needed = amount_field("需用地（亩）", unit="亩", max_digits=10)
    supplied = amount_field("已供地（亩）", unit="亩", max_digits=10)
    supplied_on = forms.DateField(
        label="最近供地日期",
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": "供地日期格式应为 2015-09-30。"},
    )
    notes = forms.CharField(label="备注", required=False, max_length=200)

    def land_input(self):
        data = self.cleaned_data
        return LandInput(
            needed=data["needed"] or ZERO,
            supplied=data["supplied"] or ZERO,
            supplied_on=data["supplied_on"],
            notes=data["notes"],
        )


class FundingForm(forms.Form):
    """One source's funding of the year; ``source`` (a FundingSource) names it in the messages."""

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, prefix=source, **kwargs)
        self.source = source
        self.label = FundingSource(source).label
        self.fields["planned"] = amount_field(f"{self.label}计划（万元）")
        self.fields["secured"] = amount_field(f"{self.label}已到位（万元）")
        self.fields["secured_on"] = forms.DateField(
            label=f"{self.label}最近到位日期",
            required=False,
            widget=DATE_INPUT,
            error_messages={"invalid": "到位日期格式应为 2015-09-30。"},
        )
        self.fields["notes"] = forms.CharField(label=f"{self.label}备注", required=False, max_length=200)

    def funding_input(self):
        data = self.cleaned_data
        return FundingInput(
            planned=data["planned"] or ZERO,
            secured=data["secured"] or ZERO,
            secured_on=data["secured_on"],
            notes=data["notes"],
        )


class ResourcesForm:
    """The year's page as one form: the version, the land row (prefix "land") and one row per funding
    source (prefix the source's value), bound and checked together."""

    def __init__(self, data=None, *, initial_land=None, initial_fundings=None, version=""):
        self.head = VersionForm(data, initial={"version": version})
        self.land = LandForm(data, prefix="land", initial=initial_land or {})
        initial_fundings = initial_fundings or {}
        self.fundings = [
            FundingForm(data, source=source, initial=initial_fundings.get(source, {}))
            for source in FundingSource.values
        ]

    def forms(self):
        return [self.head, self.land, *self.fundings]

    def is_valid(self):
        return all([form.is_valid() for form in self.forms()])  # a list: every form is checked

    @property
    def errors(self):
        return [error for form in self.forms() for errors in form.errors.values() for error in errors]

    def add_errors(self, errors):
        """A service's {field: message} on the rows they name ("land_needed", "fiscal_secured_on")."""
        rows = {"land": self.land, **{form.source: form for form in self.fundings}}
        for key, message in errors.items():
            prefix, _, name = key.partition("_") if key.startswith("land_") else self._split(key)
            form = rows.get(prefix)
            if form is not None and name in form.fields:
                form.add_error(name, message)
            else:
                self.head.add_error(None, message)

    @staticmethod
    def _split(key):
        for source in FundingSource.values:
            if key.startswith(f"{source}_"):
                return source, "_", key[len(source) + 1 :]
        return "", "", key

    def version(self):
        return self.head.cleaned_data["version"]

    def land_input(self):
        return self.land.land_input()

    def funding_inputs(self):
        return {form.source: form.funding_input() for form in self.fundings}


class StatisticsForm(forms.Form):
    registered = forms.BooleanField(label="已入统（纳入固定资产投资统计）", required=False)
    registered_on = forms.DateField(
        label="入统日期", required=False, widget=DATE_INPUT, error_messages={"invalid": "入统日期格式应为 2015-09-30。"}
    )
    version = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, reported=None, **kwargs):
        super().__init__(*args, **kwargs)
        reported = reported or {}
        for month in range(1, 13):
            field = amount_field(f"{month}月统计累计（万元）")
            field.reported = reported.get(month)
            self.fields[f"month_{month}"] = field

    def month_fields(self):
        return [self[f"month_{month}"] for month in range(1, 13)]

    def figures(self):
        return {month: self.cleaned_data[f"month_{month}"] for month in range(1, 13)}

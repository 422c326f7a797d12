"""Forms of the list-wide writes (从上年续转 and 批量修改 on the project list): they parse input into
typed values and hand them to services.rollover and services.bulk_assign, which hold the rules.
Apart from forms.py so that module stays the project pages' own."""

from django import forms
from django.core.exceptions import ValidationError

from projects.choices import Batch, Category
from projects.forms import AmountFormField, parse_id
from projects.models import FIRST_YEAR, LAST_YEAR, Leader, Street, Unit
from projects.selectors.choices import user_choices
from projects.services.bulk_assign import BulkChanges
from projects.services.rollover import RowChoice
from projects.widgets import QuickSelect, show_choices

YEAR_MESSAGES = {
    "required": "请填写年度。",
    "invalid": "年度应为四位数字，如 2016。",
    "min_value": f"年度不能早于 {FIRST_YEAR} 年。",
    "max_value": f"年度不能晚于 {LAST_YEAR} 年。",
}


class RolloverStartForm(forms.Form):
    from_year = forms.IntegerField(
        label="原清单年度", min_value=FIRST_YEAR, max_value=LAST_YEAR, error_messages=YEAR_MESSAGES
    )
    to_year = forms.IntegerField(
        label="新清单年度", min_value=FIRST_YEAR, max_value=LAST_YEAR, error_messages=YEAR_MESSAGES
    )


class RolloverConfirmForm(forms.Form):
    """The preview's rows as the admin left them: for each proposed row whether it is kept
    (``keep-<id>``), its category (``category-<id>``) and its annual plan (``plan-<id>``, 万元, read
    by the amount rule of reports and imports)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if not row.skipped]
        for row in self.rows:
            self.fields[f"keep-{row.listing}"] = forms.BooleanField(label="列入", required=False, initial=True)
            self.fields[f"category-{row.listing}"] = forms.ChoiceField(
                label="类别",
                choices=Category.choices,
                initial=row.category,
                error_messages={"invalid_choice": "请从列表中选择类别。", "required": "请选择类别。"},
            )
            self.fields[f"plan-{row.listing}"] = AmountFormField(
                label="年度计划投资（万元）",
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                error_messages={
                    "min_value": "年度计划投资不能为负数。",
                    "max_digits": "金额位数过多，请核对单位是否为万元。",
                    "max_decimal_places": "金额最多保留两位小数。",
                    "max_whole_digits": "金额位数过多，请核对单位是否为万元。",
                },
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
            )

    def clean(self):
        data = super().clean()
        for row in self.rows:
            name = f"plan-{row.listing}"
            if data.get(f"keep-{row.listing}") and name not in self.errors and data.get(name) is None:
                self.add_error(name, "请填写新年度的年度计划投资（万元）。")
        return data

    def row_errors(self):
        """Each error with the row's project name: 「项目名」年度计划投资：…"""
        names = {str(row.listing): row.name for row in self.rows}
        messages = []
        for key, errors in self.errors.items():
            kind, _, pk = key.partition("-")
            label = self.fields[key].label if key in self.fields else ""
            where = f"「{names.get(pk, '')}」{label}：" if pk else ""
            messages.extend(f"{where}{error}" for error in errors)
        return messages

    def choices(self):
        """Source listing id → RowChoice, for the kept rows."""
        data = self.cleaned_data
        return {
            row.listing: RowChoice(category=data[f"category-{row.listing}"], annual_plan=data[f"plan-{row.listing}"])
            for row in self.rows
            if data.get(f"keep-{row.listing}")
        }

    def bound_rows(self):
        """(row, keep, category, plan) bound fields for the template, in the preview's order."""
        return [
            (row, self[f"keep-{row.listing}"], self[f"category-{row.listing}"], self[f"plan-{row.listing}"])
            for row in self.rows
        ]


class IdListField(forms.Field):
    """Several ids from checkboxes (``listing=3&listing=5``), each a positive whole number."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        ids = []
        for item in value or []:
            number = parse_id(item)
            if number is None:
                raise ValidationError("所选项目的编号无效，请刷新列表后重新勾选。")
            ids.append(number)
        return list(dict.fromkeys(ids))


def _empty_label(label):
    return f"{label}：不修改"


class ListingBulkForm(forms.Form):
    """批量修改 on the project list: the ticked listings and what to set on them (each optional)."""

    listing = IdListField(label="所选项目", error_messages={"required": "请先勾选要修改的项目。"})
    unit = forms.ModelChoiceField(
        label="责任单位",
        queryset=Unit.objects.none(),
        widget=QuickSelect,
        required=False,
        empty_label=_empty_label("责任单位"),
        error_messages={"invalid_choice": "没有这个责任单位，或不在您的管理范围内。"},
    )
    leader = forms.ModelChoiceField(
        label="联系领导",
        queryset=Leader.objects.none(),
        widget=QuickSelect,
        required=False,
        empty_label=_empty_label("联系领导"),
        error_messages={"invalid_choice": "没有这位联系领导，或不在您的管理范围内。"},
    )
    street = forms.ModelChoiceField(
        label="所在街道",
        queryset=Street.objects.none(),
        widget=QuickSelect,
        required=False,
        empty_label=_empty_label("所在街道"),
        error_messages={"invalid_choice": "没有这个街道，或不在您的管理范围内。"},
    )
    batch = forms.TypedChoiceField(
        label="批次",
        choices=[("", _empty_label("批次")), *Batch.choices],
        widget=QuickSelect,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "请从列表中选择批次。"},
    )
    digest = forms.CharField(required=False, widget=forms.HiddenInput)
    query = forms.CharField(required=False, widget=forms.HiddenInput)  # the list's filters, to go back to

    def __init__(self, *args, user, choices=None, **kwargs):
        """``choices``: the user's selectors.choices.user_choices, when the page has them already."""
        super().__init__(*args, **kwargs)
        # Of the nodes the user manages (scoping.managed_rows), read once per data version; a
        # chosen value is checked against the same rows.
        choices = (choices or user_choices(user)).managed
        for name, rows, options in (
            ("unit", choices.unit_rows(), choices.units),
            ("street", choices.street_rows(), choices.streets),
            ("leader", choices.leader_rows().filter(is_active=True), choices.active_leaders),
        ):
            self.fields[name].queryset = rows
            show_choices(self.fields[name], options)
        for name in ("unit", "leader", "street", "batch"):  # the selects stand without <label>s in the bar
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label

    def changes(self):
        data = self.cleaned_data
        return BulkChanges(unit=data["unit"], leader=data["leader"], street=data["street"], batch=data["batch"])

"""Forms of the bulletin pages: they parse input into typed values; the rules are the services'."""

from django import forms

from projects.choices import Level
from projects.models import FIRST_YEAR, LAST_YEAR, Street
from projects.scoping import managed_rows

DOCX_TYPES = ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BulletinTemplateForm(forms.Form):
    """The office's Word template to upload (bulletins.services.templates.bulletin_template_upload
    checks it)."""

    file = forms.FileField(
        label="通报模板（.docx）",
        help_text="在 Word 或 WPS 中修改默认模板后另存为 .docx 上传，不超过 2 MB。",
        error_messages={"required": "请选择要上传的 .docx 模板文件。", "empty": "上传的文件是空的。"},
        widget=forms.ClearableFileInput(attrs={"accept": DOCX_TYPES}),
    )


class DraftOptionsForm(forms.Form):
    """The month, list and street a bulletin is drafted for (the draft_bulletin command's options)."""

    year = forms.IntegerField(
        label="年度",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={"required": "请指定年度（--year），如 2015。", "invalid": "年度必须是数字，如 2015。"},
    )
    month = forms.IntegerField(
        label="月份",
        min_value=1,
        max_value=12,
        error_messages={
            "required": "请指定月份（--month），1到12。",
            "invalid": "月份必须是1到12的数字。",
            "min_value": "月份必须在1到12之间。",
            "max_value": "月份必须在1到12之间。",
        },
    )
    level = forms.ChoiceField(
        label="级别",
        choices=Level.choices,
        error_messages={"invalid_choice": f"级别应为 {'、'.join(f'{v}（{label}）' for v, label in Level.choices)}。"},
    )
    street = forms.IntegerField(
        label="街道", required=False, min_value=1, error_messages={"invalid": "街道编号必须是数字。"}
    )


# The draft and issue pages: which bulletin (year, month, level, a street of the office) and what the
# office adds when it issues one. The rules are in services/issue.py.


class BulletinChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, bulletin):
        return f"第{bulletin.number}期（{bulletin.issued_on:%Y-%m-%d}签发）"


class BulletinDraftForm(forms.Form):
    """Which bulletin to draft: a year, a month, a level and optionally one street of the office."""

    year = forms.IntegerField(
        label="年度",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": "请填写年度。",
            "invalid": "年度必须是数字。",
            "min_value": f"年度不能早于{FIRST_YEAR}年。",
            "max_value": f"年度不能晚于{LAST_YEAR}年。",
        },
    )
    month = forms.IntegerField(
        label="月份",
        min_value=1,
        max_value=12,
        error_messages={
            "required": "请填写月份。",
            "invalid": "月份必须是1到12的数字。",
            "min_value": "月份必须是1到12的数字。",
            "max_value": "月份必须是1到12的数字。",
        },
    )
    level = forms.ChoiceField(
        label="级别",
        choices=Level.choices,
        initial=Level.CITY,
        error_messages={"required": "请选择级别。", "invalid_choice": "级别只能是省重点、市重点或区重点。"},
    )
    street = forms.ModelChoiceField(
        label="街道",
        queryset=Street.objects.none(),
        required=False,
        empty_label="（全部街道）",
        error_messages={"invalid_choice": "没有这个街道，或不在本项目办的管理范围内。"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = Street.objects.filter(managed_rows(user, "district")).select_related(
            "district"
        )

    def params(self):
        """The cleaned choice as keyword arguments of bulletin_draft and bulletin_issue."""
        data = self.cleaned_data
        return {"year": data["year"], "month": data["month"], "level": data["level"], "street": data["street"]}


class BulletinIssueForm(BulletinDraftForm):
    """The draft's choice again (hidden), what the office writes, and the confirmation."""

    next_steps = forms.CharField(
        label="下步工作",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "如：一是加快推进滞后项目……二是……"}),
        error_messages={"max_length": "下步工作请写在 4000 字以内。"},
    )
    notes = forms.CharField(
        label="备注",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "备注请写在 2000 字以内。"},
    )
    replaces = BulletinChoiceField(
        label="更正",
        queryset=None,
        required=False,
        empty_label="（不是更正，新的一期）",
        error_messages={"invalid_choice": "只能更正本项目办同一年月、同一级别和范围的通报。"},
        help_text="签发后，被更正的一期仍保留在通报库中，并注明已被本期更正。",
    )
    confirmed = forms.BooleanField(
        label="我已核对通报内容，确认签发（签发后不能修改）",
        required=False,
    )

    def __init__(self, *args, user, replaceable, **kwargs):
        """``replaceable``: the issued bulletins of the same office and period this one may correct
        (selectors.archive.correctable_bulletins)."""
        super().__init__(*args, user=user, **kwargs)
        for name in ("year", "month", "level", "street"):
            self.fields[name].widget = forms.HiddenInput()
        self.fields["replaces"].queryset = replaceable

    def clean_confirmed(self):
        if self.data.get("action", "issue") == "issue" and not self.cleaned_data.get("confirmed"):
            raise forms.ValidationError("请先勾选确认，再签发。")
        return self.cleaned_data.get("confirmed")

    def params(self):
        data = self.cleaned_data
        return {
            **super().params(),
            "next_steps": data["next_steps"],
            "notes": data["notes"],
            "replaces": data["replaces"],
        }

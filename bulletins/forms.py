"""Forms of the bulletin pages: they parse input into typed values; the rules are the services'."""

from django import forms

from projects.choices import Level
from projects.models import FIRST_YEAR, LAST_YEAR

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

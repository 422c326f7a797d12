"""Forms of the bulletin pages: they parse input into typed values; the rules are the services'."""

from django import forms

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

"""Forms of the approvals pages; each parses input into typed values for a service, which holds the rules."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError

from approvals.choices import ItemStatus
from approvals.models import MAX_TIME_LIMIT
from approvals.services.attachments import attachment_check
from approvals.services.items import SORT_ORDER_MAX
from projects.choices import Level
from projects.forms import DATE_INPUT
from projects.models import Unit

ATTACHMENT_ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class TemplateApplyForm(forms.Form):
    template = forms.ModelChoiceField(
        label="前期手续模板",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "没有这个模板，或不能用于该项目。", "required": "请选择模板。"},
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


def _department_field():
    return forms.ModelChoiceField(
        label="办理部门",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="（未指定）",
        error_messages={"invalid_choice": "没有这个责任单位。"},
    )


def _time_limit_field():
    return forms.IntegerField(
        label="法定时限（工作日）",
        required=False,
        min_value=0,
        max_value=MAX_TIME_LIMIT,
        help_text="自提交申报之日起计算；留空表示无法定时限。",
        error_messages={"invalid": "法定时限须为整数个工作日。"},
    )


class ItemAddForm(forms.Form):
    """An item an admin adds to a project by hand."""

    name = forms.CharField(label="事项名称", max_length=100)
    department = _department_field()
    time_limit_days = _time_limit_field()
    blocks_start = forms.BooleanField(label="开工前必须办结", required=False, initial=True)
    planned_date = forms.DateField(label="计划办结日期", required=False, widget=DATE_INPUT)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Unit.objects.filter(district_id=project.district_id)


class AttachmentField(forms.FileField):
    """A PDF, JPEG or PNG checked by its content (approvals.services.attachments)."""

    widget = forms.FileInput(attrs={"accept": ATTACHMENT_ACCEPT})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return attachment_check(upload)


class ItemProgressForm(forms.Form):
    """What the keepers of an item change: its progress. The hidden ``updated_at`` is the item's
    state when the form was opened, for the service to refuse a save over someone else's."""

    status = forms.ChoiceField(label="办理状态", choices=ItemStatus.choices)
    planned_date = forms.DateField(label="计划办结日期", required=False, widget=DATE_INPUT)
    submitted_date = forms.DateField(label="提交申报日期", required=False, widget=DATE_INPUT)
    approved_date = forms.DateField(label="办结日期", required=False, widget=DATE_INPUT)
    document_number = forms.CharField(label="批复文号", max_length=100, required=False)
    attachment = AttachmentField(label="批复文件", required=False, help_text="PDF、JPEG 或 PNG，上传后替换原有文件。")
    notes = forms.CharField(
        label="备注",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不需办理的事项请写明原因。",
    )
    updated_at = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": "表单已失效，请刷新页面后重新填写。"}
    )

    service_fields = ("status", "planned_date", "submitted_date", "approved_date", "document_number", "notes")

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("initial", {})
        for field in self.service_fields:
            kwargs["initial"].setdefault(field, getattr(item, field))
        kwargs["initial"].setdefault("updated_at", item.updated_at.isoformat())
        super().__init__(*args, **kwargs)
        self.item = item
        if item.attachment:
            self.fields["attachment"].help_text = f"已上传「{item.attachment_name}」；选择新文件将替换它。"
            self.fields["remove_attachment"] = forms.BooleanField(
                label=f"删除已上传的「{item.attachment_name}」", required=False
            )

    def clean_updated_at(self):
        try:
            value = datetime.fromisoformat(self.cleaned_data["updated_at"])
        except ValueError:
            raise ValidationError("表单已失效，请刷新页面后重新填写。") from None
        if value.tzinfo is None:
            raise ValidationError("表单已失效，请刷新页面后重新填写。")
        return value

    def service_kwargs(self):
        """The keyword arguments of services.items.item_update."""
        data = self.cleaned_data
        return {
            **{field: data[field] for field in self.service_fields},
            "attachment": data.get("attachment"),
            "remove_attachment": data.get("remove_attachment", False),
            "expected_updated_at": data["updated_at"],
        }


class ItemAdminForm(ItemProgressForm):
    """An office admin's form: the item's name, department, time limit and order as well."""

    name = forms.CharField(label="事项名称", max_length=100)
    department = _department_field()
    time_limit_days = _time_limit_field()
    sort_order = forms.IntegerField(
        label="顺序", min_value=0, max_value=SORT_ORDER_MAX, error_messages={"invalid": "顺序须为整数。"}
    )
    blocks_start = forms.BooleanField(label="开工前必须办结", required=False)

    service_fields = (
        *ItemProgressForm.service_fields,
        "name",
        "department",
        "time_limit_days",
        "sort_order",
        "blocks_start",
    )
    field_order = ["name", "department", "time_limit_days", "sort_order", "blocks_start"]

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, item=item, **kwargs)
        self.fields["department"].queryset = Unit.objects.filter(district_id=item.project.district_id)


class ItemDeleteForm(forms.Form):
    reason = forms.CharField(label="删除原因", max_length=500, error_messages={"required": "请填写删除原因。"})


class ListLevelForm(forms.Form):
    """The list level of a 联审联批 page (``?level=``), optional: every list of the year without it."""

    level = forms.ChoiceField(label="清单", choices=[("", "全部清单"), *Level.choices], required=False)

    def cleaned_level(self):
        """The level, or None when absent or wrong (the export: its page has named the error)."""
        return (self.cleaned_data["level"] or None) if self.is_valid() else None

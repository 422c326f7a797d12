"""Forms of the dispatch pages; each parses input into typed values for a service, which holds the rules."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from dispatch.choices import MeetingKind
from dispatch.models import MAX_DEADLINE_WORKDAYS, Meeting
from dispatch.services.meetings import TITLE_MAX, meeting_chairs, meeting_projects, meeting_units
from dispatch.services.tasks import (
    CONTENT_MAX,
    MAX_REPLY_ATTACHMENTS,
    REASON_MAX,
    REPLY_MAX,
    assign_districts,
    assignable_meetings,
    assignable_problems,
    assignable_projects,
)
from projects.forms import DATE_INPUT, BoundedModelMultipleChoiceField, MultipleFileInput, parse_id
from projects.models import Leader, Unit
from projects.services.documents import DOCUMENT_ACCEPT, document_check

STALE_FORM = "表单已失效，请刷新页面后重新填写。"


class DocumentField(forms.FileField):
    """One PDF, JPEG or PNG checked by its content (projects.services.documents.document_check)."""

    widget = forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT})

    def __init__(self, *, document_label, **kwargs):
        super().__init__(**kwargs)
        self.document_label = document_label

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return document_check(upload, label=self.document_label)


class DocumentsField(forms.FileField):
    """Several PDFs, JPEGs or PNGs in one input, each checked by its content."""

    widget = MultipleFileInput(attrs={"accept": DOCUMENT_ACCEPT, "multiple": True})

    def __init__(self, *, document_label, limit, **kwargs):
        super().__init__(**kwargs)
        self.document_label, self.limit = document_label, limit

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > self.limit:
            raise ValidationError(f"一次最多上传 {self.limit} 个附件。")
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(document_check(super().clean(upload, initial), label=self.document_label))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class UpdatedAtField(forms.CharField):
    """A row's updated_at when the form was read (hidden), for the service to refuse a save over a
    change made since."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(error_messages={"required": STALE_FORM}, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(STALE_FORM) from None
        if moment.tzinfo is None:
            raise ValidationError(STALE_FORM)
        return moment


# --- meetings --------------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    """A meeting's record. The chairs offered are those the user may name (an admin: the office's
    active leaders; a leader: themselves); attendees and projects those of the chairs' districts
    (of the meeting's own district when it is changed). The service checks they agree."""

    date = forms.DateField(label="会议日期", widget=DATE_INPUT)
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=TITLE_MAX)
    chair = forms.ModelChoiceField(
        label="主持领导",
        queryset=None,
        error_messages={"invalid_choice": "没有这位领导，或您不能以其名义记录会议。", "required": "请选择主持领导。"},
    )
    attendees = BoundedModelMultipleChoiceField(
        label="参会单位（部门、街道）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "没有这个单位，或不在该区县。"},
    )
    projects = BoundedModelMultipleChoiceField(
        label="调度项目",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="按住 Ctrl（手机上直接点选）可选择多个项目。",
        error_messages={"invalid_choice": "没有这个项目，或不在您的范围内。"},
    )
    minutes = forms.CharField(
        label="会议纪要", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    minutes_file = DocumentField(
        label="纪要附件", document_label="会议纪要", required=False, help_text="PDF、JPEG 或 PNG，可不上传。"
    )

    def __init__(self, *args, user, meeting=None, **kwargs):
        if meeting is not None:
            kwargs.setdefault("initial", {})
            for name in ("date", "kind", "title", "chair", "minutes"):
                kwargs["initial"].setdefault(name, getattr(meeting, name))
            kwargs["initial"].setdefault("attendees", list(meeting.attendees.values_list("pk", flat=True)))
            kwargs["initial"].setdefault("projects", list(meeting.projects.values_list("pk", flat=True)))
            kwargs["initial"].setdefault("updated_at", meeting.updated_at.isoformat())
        super().__init__(*args, **kwargs)
        chairs = meeting_chairs(user)
        if meeting is not None:  # its chair stays offered though they have left office since
            chairs = Leader.objects.filter(Q(pk__in=chairs.values("pk")) | Q(pk=meeting.chair_id))
            chairs = chairs.filter(region_id=meeting.district_id)
        districts = chairs.values("region_id")
        self.fields["chair"].queryset = chairs
        self.fields["attendees"].queryset = meeting_units(districts)
        self.fields["projects"].queryset = meeting_projects(user, districts).order_by("name")
        if meeting is None:
            first = chairs.first()
            if first is not None and not chairs.exclude(pk=first.pk).exists():
                self.fields["chair"].initial = first.pk  # a leader records their own meetings
        else:
            self.fields["updated_at"] = UpdatedAtField()
            if meeting.minutes_file:
                name = meeting.minutes_file_name or "纪要附件"
                self.fields["minutes_file"].help_text = f"已上传「{name}」；选择新文件将替换它。"
                self.fields["remove_minutes_file"] = forms.BooleanField(label=f"删除已上传的「{name}」", required=False)

    def service_kwargs(self):
        data = self.cleaned_data
        kwargs = {
            name: data[name]
            for name in ("date", "kind", "title", "chair", "attendees", "projects", "minutes", "minutes_file")
        }
        if "updated_at" in data:
            kwargs["expected_updated_at"] = data["updated_at"]
            kwargs["remove_minutes_file"] = data.get("remove_minutes_file", False)
        return kwargs


# --- tasks -----------------------------------------------------------------------------------------


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A row by id, where a number no row can have is an invalid choice, not a database error."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class TaskSourceForm(forms.Form):
    """Where a task to be assigned comes from (``?meeting=``, ``?problem=``, ``?project=``): each among
    those the user may assign from. A value outside them is an error the view answers with 404."""

    meeting = BoundedModelChoiceField(queryset=Meeting.objects.none(), required=False)
    problem = BoundedModelChoiceField(queryset=None, required=False)
    project = BoundedModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = assignable_meetings(user)
        self.fields["problem"].queryset = assignable_problems(user).select_related("project")
        self.fields["project"].queryset = assignable_projects(user)

    def clean(self):
        data = super().clean()
        if data.get("meeting") and data.get("problem"):
            raise ValidationError("一项交办事项只能来自一个调度会议或一个问题。")
        return data


class TaskAssignForm(forms.Form):
    """A task to assign. The owners offered are the units of the source's district (of the user's
    districts when it has none); the projects those the user may name there."""

    owner = forms.ModelChoiceField(
        label="承办单位",
        queryset=None,
        error_messages={"invalid_choice": "没有这个单位，或不在该区县。", "required": "请选择承办单位。"},
    )
    content = forms.CharField(label="交办内容", max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label="办结期限（日期）", required=False, widget=DATE_INPUT)
    workdays = forms.IntegerField(
        label="或：办理时限（工作日）",
        required=False,
        min_value=1,
        max_value=MAX_DEADLINE_WORKDAYS,
        help_text="填写日期或工作日数二者之一；按工作日计时，自交办之日起算，节假日不计。",
        error_messages={"invalid": "办理时限须为整数个工作日。"},
    )
    projects = BoundedModelMultipleChoiceField(
        label="相关项目",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={"invalid_choice": "没有这个项目，或不在您的范围内。"},
    )

    def __init__(self, *args, user, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        districts = [district] if district is not None else assign_districts(user).values("pk")
        self.fields["owner"].queryset = Unit.objects.filter(district__in=districts)
        self.fields["projects"].queryset = assignable_projects(user).filter(district__in=districts).order_by("name")

    def service_kwargs(self):
        return {name: self.cleaned_data[name] for name in ("owner", "content", "deadline", "workdays", "projects")}


class TaskActionForm(forms.Form):
    """A move on a task (start, close): the task's state when its page was read."""

    updated_at = UpdatedAtField()


class TaskReplyForm(TaskActionForm):
    text = forms.CharField(label="办理情况", max_length=REPLY_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = DocumentsField(
        label="附件",
        document_label="回复附件",
        limit=MAX_REPLY_ATTACHMENTS,
        required=False,
        help_text=f"PDF、JPEG 或 PNG，最多 {MAX_REPLY_ATTACHMENTS} 个。",
    )


class TaskCloseForm(TaskActionForm):
    note = forms.CharField(label="销号说明", required=False, max_length=REASON_MAX)


class TaskReturnForm(TaskActionForm):
    reason = forms.CharField(
        label="退回原因",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写退回原因。"},
    )

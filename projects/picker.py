"""The project picker: a search box instead of one <select> of every project of every year.

The box is a text input (``<name>_search``) beside a hidden input holding the chosen project's id
(``<name>``). projects/static/js/project_picker.js suggests projects from the JSON endpoint as the
person types and fills in the id; without JS the form resolves what was typed: one match is taken,
several re-show the form naming them. Either way the project is checked against the queryset the
form was given (the user's scope)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.widgets import Script
from django.urls import reverse
from django.utils.html import format_html

from projects.fields import ID_MAX
from projects.search import SEARCH_MAX_CHARS
from projects.selectors.picker import project_label, project_matches

LISTED_IN_MESSAGE = 8  # namesakes named in the "several matches" message


class ProjectPickerWidget(forms.Widget):
    """The search box and the hidden id, rendered together; ``scope`` tells the endpoint which
    projects to suggest ("kept": those the user keeps reports and problems for; "visible")."""

    def __init__(self, attrs=None, *, scope="visible"):
        super().__init__(attrs)
        self.scope = scope
        self.queryset = None  # set by ProjectPickerField

    @property
    def media(self):
        return forms.Media(js=[Script("js/project_picker.js", defer=True)])

    def value_from_datadict(self, data, files, name):
        return (data.get(name, ""), data.get(f"{name}_search", ""))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_search" not in data

    def _chosen(self, value):
        """(id, text) to show for ``value``: posted data, a Project, or an id from a link."""
        if isinstance(value, (tuple, list)):
            return value[0] or "", value[1] or ""
        if value in (None, ""):
            return "", ""
        if hasattr(value, "pk"):
            project = value
        else:  # an id from a link (?project=): anything that cannot be one shows an empty box
            pk = project_id(value)
            project = self.queryset.filter(pk=pk).first() if pk else None
        if project is None:
            return "", ""
        return project.pk, project.name

    def render(self, name, value, attrs=None, renderer=None):
        chosen, text = self._chosen(value)
        box_id = (attrs or {}).get("id") or f"id_{name}"
        url = f"{reverse('projects:project_search')}?scope={self.scope}"
        return format_html(
            '<div class="picker"><input type="text" name="{}_search" id="{}" value="{}" autocomplete="off"'
            ' placeholder="输入项目名称、项目代码或街道" aria-describedby="{}_hint" data-picker-url="{}"'
            ' data-picker-id="{}_id">'
            '<input type="hidden" name="{}" id="{}_id" value="{}">'
            '<p class="help" id="{}_hint">输入关键字后从列表中选择；不能选择时直接保存，系统按名称查找。</p></div>',
            name, box_id, text, box_id, url, box_id, name, box_id, chosen, box_id,
        )  # fmt: skip


def project_id(value):
    """``value`` as a project id, or None when it cannot be one (not a whole number, or past ID_MAX)."""
    try:
        return forms.IntegerField(min_value=1, max_value=ID_MAX).clean(value)
    except ValidationError:
        return None


class ProjectPickerField(forms.Field):
    """A project chosen by id or by what was typed, among ``queryset`` (set by the form)."""

    widget = ProjectPickerWidget
    default_error_messages = {
        "required": "请输入项目名称并从列表中选择。",
        "out_of_scope": "项目不存在或不在您的范围内。",
        "none": "没有找到与「%(text)s」相符的项目（只查找您范围内的项目）。",
        "too_long": "项目名称或关键字最多 %(limit)s 个字，请缩短后再试。",
        "several": "「%(text)s」对应 %(count)s 个项目：%(names)s。请输入更完整的名称或项目代码后再保存。",
    }

    def __init__(self, *, scope="visible", **kwargs):
        kwargs.setdefault("widget", ProjectPickerWidget(scope=scope))
        super().__init__(**kwargs)
        self._queryset = None

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, projects):
        self._queryset = projects
        self.widget.queryset = projects

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self._queryset
        return result

    def clean(self, value):
        chosen, text = value if isinstance(value, (tuple, list)) else (value, "")
        chosen, text = str(chosen or "").strip(), " ".join(str(text or "").split())
        if chosen:
            project = self._by_id(chosen)
            if not text or text in (project.name, project_label(project)):
                return project
        if not text:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(text) > SEARCH_MAX_CHARS:
            raise ValidationError(self.error_messages["too_long"], code="too_long", params={"limit": SEARCH_MAX_CHARS})
        return self._by_text(text)

    def _by_id(self, chosen):
        pk = project_id(chosen)
        project = self._queryset.filter(pk=pk).select_related("street").first() if pk else None
        if project is None:
            raise ValidationError(self.error_messages["out_of_scope"], code="out_of_scope")
        return project

    def _by_text(self, text):
        named = list(self._queryset.filter(name=text).select_related("street")[:2])
        if len(named) == 1:  # the exact name wins over longer names that contain it
            return named[0]
        matches = project_matches(self._queryset, text)
        found = list(matches[: LISTED_IN_MESSAGE + 1])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(self.error_messages["none"], code="none", params={"text": text})
        count = len(found) if len(found) <= LISTED_IN_MESSAGE else matches.count()
        names = "、".join(project_label(project) for project in found[:LISTED_IN_MESSAGE])
        if count > LISTED_IN_MESSAGE:
            names += "等"
        raise ValidationError(
            self.error_messages["several"], code="several", params={"text": text, "count": count, "names": names}
        )


class ProjectSearchForm(forms.Form):
    """The project picker's query: what was typed and which projects to suggest."""

    q = forms.CharField(
        label="关键字",
        max_length=SEARCH_MAX_CHARS,
        required=False,
        error_messages={"max_length": f"关键字最多 {SEARCH_MAX_CHARS} 个字。"},
    )
    scope = forms.ChoiceField(
        label="范围",
        choices=[("visible", "可查看的项目"), ("kept", "负责填报的项目")],
        required=False,
        error_messages={"invalid_choice": "查找范围有误。"},
    )

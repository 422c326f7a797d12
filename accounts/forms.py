"""Forms of the office's user pages and of a user's own settings (个人设置); each parses input into
typed values for accounts.services, which holds the rules. The choices offered are the office's own
(scoping.managed_rows)."""

import re

from django import forms

from accounts.models import Role
from accounts.services.profile import CHANNEL_FIELDS
from projects.choices import RegionKind
from projects.forms import BoundedModelMultipleChoiceField
from projects.models import Leader, Region, Street, Unit
from projects.scoping import managed_rows


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        help_text="登录时输入，可用字母、数字和 @ . + - _，不能有空格。",
        error_messages={"required": "请填写用户名。", "max_length": "用户名不能超过 %(limit_value)d 个字符。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label="姓名",
        max_length=150,
        error_messages={"required": "请填写姓名。", "max_length": "姓名不能超过 %(limit_value)d 个字符。"},
    )
    role = forms.ChoiceField(
        label="角色",
        choices=Role.choices,
        initial=Role.STAFF,
        error_messages={"required": "请选择角色。", "invalid_choice": "请选择角色。"},
    )
    region = forms.ModelChoiceField(
        label="所属项目办/区县",
        queryset=Region.objects.none(),
        empty_label=None,
        help_text="管理员填所在项目办；填报员和领导填所在区县。",
        error_messages={"required": "请选择所属项目办或区县。", "invalid_choice": "所选行政区划不在您的管理范围内。"},
    )
    streets = BoundedModelMultipleChoiceField(
        label="负责街道",
        queryset=Street.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="仅填报员：填报这些街道的项目。",
        error_messages={
            "invalid_choice": "所选街道（编号 %(value)s）不在您的管理范围内。",
            "invalid_pk_value": "街道编号“%(pk)s”无效。",
        },
    )
    units = BoundedModelMultipleChoiceField(
        label="负责单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="仅填报员：填报这些责任单位的项目（区直部门等）。",
        error_messages={
            "invalid_choice": "所选单位（编号 %(value)s）不在您的管理范围内。",
            "invalid_pk_value": "单位编号“%(pk)s”无效。",
        },
    )
    leader = forms.ModelChoiceField(
        label="对应的联系领导",
        queryset=Leader.objects.none(),
        required=False,
        empty_label="（不是领导账号）",
        help_text="仅领导账号：只列出在任、还没有登录账号的联系领导。",
        error_messages={"invalid_choice": "所选联系领导不在您的管理范围内，或已有登录账号。"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(managed_rows(user, "pk")).order_by("code")
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = _region_label
        if user.region_id and "region" not in self.initial:
            self.initial["region"] = user.region_id
        streets = Street.objects.filter(managed_rows(user, "district")).select_related("district")
        units = Unit.objects.filter(managed_rows(user, "district")).select_related("district")
        self.fields["streets"].queryset = streets.order_by("district__code", "sort_order", "name")
        self.fields["units"].queryset = units.order_by("district__code", "kind", "sort_order", "name")
        if regions.filter(kind=RegionKind.DISTRICT).count() > 1:  # names repeat across districts: say whose
            for name in ("streets", "units"):
                self.fields[name].label_from_instance = lambda row: f"{row.district.name} · {row.name}"
        self.fields["leader"].queryset = (
            Leader.objects.filter(managed_rows(user, "region"), is_active=True, user__isnull=True)
            .select_related("region")
            .order_by("region__code", "body", "sort_order", "name")
        )
        self.fields["leader"].label_from_instance = lambda leader: (
            f"{leader.name}（{leader.region.name}{leader.title}）"
        )


def _region_label(region):
    return f"{region.name}（{region.get_kind_display()}）"


class UserBackForm(forms.Form):
    """Where a one-button action on a user returns to: the list it was pressed on, or the user's page."""

    back = forms.ChoiceField(choices=[("list", "用户列表"), ("detail", "用户页面")], required=False)


class ProfileForm(forms.Form):
    """个人设置: the user's own email, mobile and notification channels (accounts.services.profile).
    A channel the installation has not configured is shown but cannot be changed."""

    email = forms.CharField(
        label="邮箱",
        required=False,
        max_length=254,
        help_text="接收邮件提醒的地址。",
        error_messages={"max_length": "邮箱地址不能超过 %(limit_value)d 个字符。"},
        # a text box (the stylesheet's), with a phone's email keyboard; the service checks the address
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "email", "autocapitalize": "none"}),
    )
    mobile = forms.CharField(
        label="手机号",
        required=False,
        max_length=20,
        help_text="11 位手机号；群机器人发消息时据此@您。",
        error_messages={"max_length": "手机号不能超过 %(limit_value)d 个字符。"},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    notify_by_email = forms.BooleanField(label="邮件提醒", required=False)
    notify_by_dingtalk = forms.BooleanField(label="钉钉群提醒", required=False)
    notify_by_wecom = forms.BooleanField(label="企业微信群提醒", required=False)

    def __init__(self, *args, configured, **kwargs):
        super().__init__(*args, **kwargs)
        for field, (channel, _) in CHANNEL_FIELDS.items():
            if channel not in configured:
                self.fields[field].disabled = True

    def clean_mobile(self):
        """The digits as typed with spaces and dashes left out, and a +86 in front dropped."""
        mobile = re.sub(r"[\s-]", "", self.cleaned_data["mobile"])
        return mobile.removeprefix("+86")

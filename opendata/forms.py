"""Forms of the open-data pages: one project's publication (point, purpose, 可公开), the year's
projects marked at once, and the package asked for (year, level)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

from opendata.choices import CoordinateSystem
from opendata.services.publications import PointInput
from projects.choices import Level
from projects.fields import ID_MAX
from projects.models.base import FIRST_YEAR, LAST_YEAR

# Two numbers as a map's coordinate picker copies them: "113.303727,33.741447" (full-width comma,
# spaces or a semicolon between them are taken too).
_SEPARATOR = re.compile(r"\s*[,，;；、]\s*|\s+")
_CHINA_LONGITUDE = (Decimal("73"), Decimal("136"))
_CHINA_LATITUDE = (Decimal("3"), Decimal("54"))


def _inside(value, bounds):
    return bounds[0] <= value <= bounds[1]


class PublicationForm(forms.Form):
    point = forms.CharField(
        label="坐标（经度,纬度）",
        required=False,
        max_length=60,
        help_text="先经度后纬度，用逗号隔开，如 113.303727,33.741447；可从地图的坐标拾取工具直接粘贴。"
        "留空则不发布位置。",
    )
    system = forms.ChoiceField(
        label="坐标系",
        choices=CoordinateSystem.choices,
        initial=CoordinateSystem.WGS84,
        help_text="从高德、腾讯地图复制的坐标是 GCJ-02，从百度地图复制的是 BD-09，保存时换算为 WGS84；"
        "GPS 和天地图的坐标是 WGS84。系统保存并发布的都是 WGS84 坐标。",
    )
    purpose = forms.CharField(
        label="建设目的", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    public = forms.BooleanField(
        label="可公开", required=False, help_text="勾选后，该项目列入本级发布的 OC4IDS 公开数据。"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, may_mark, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_mark:
            del self.fields["public"]

    def clean_point(self):
        text = self.cleaned_data["point"].strip()
        if not text:
            return None
        parts = [part for part in _SEPARATOR.split(text) if part]
        if len(parts) != 2:
            raise forms.ValidationError("请填写两个数：经度和纬度，用逗号隔开，如 113.303727,33.741447。")
        try:
            longitude, latitude = (Decimal(part) for part in parts)
        except InvalidOperation:
            raise forms.ValidationError("经纬度须是数字（度，小数形式），如 113.303727,33.741447。") from None
        if not (longitude.is_finite() and latitude.is_finite()):
            raise forms.ValidationError("经纬度须是数字（度，小数形式），如 113.303727,33.741447。")
        if _inside(longitude, _CHINA_LATITUDE) and _inside(latitude, _CHINA_LONGITUDE):
            raise forms.ValidationError(
                f"经纬度似乎填反了：{longitude} 像是纬度、{latitude} 像是经度。请先填经度、后填纬度。"
            )
        if not -180 <= longitude <= 180:
            raise forms.ValidationError("经度须在 -180 到 180 之间。")
        if not -90 <= latitude <= 90:
            raise forms.ValidationError("纬度须在 -90 到 90 之间。")
        places = Decimal("0.0000001")
        return longitude.quantize(places), latitude.quantize(places)

    def point_input(self):
        point = self.cleaned_data["point"]
        system = self.cleaned_data["system"]
        return PointInput(*point, system=system) if point else PointInput(None, None, system=system)


class PackageForm(forms.Form):
    """The package asked for: a year and, optionally, one level of the list."""

    year = forms.IntegerField(label="年度", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    level = forms.ChoiceField(label="级别", choices=[("", "全部级别"), *Level.choices], required=False)

    def clean_level(self):
        return self.cleaned_data["level"] or None


class MarkForm(forms.Form):
    """Projects ticked on the year's list, to be marked 可公开 or not."""

    projects = forms.TypedMultipleChoiceField(
        label="项目", coerce=int, choices=(), error_messages={"required": "请先勾选项目。"}
    )
    public = forms.TypedChoiceField(
        label="设为", choices=[("1", "可公开"), ("0", "不公开")], coerce=lambda value: value == "1"
    )

    def __init__(self, *args, project_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].choices = [(pk, pk) for pk in project_ids if 0 < pk <= ID_MAX]

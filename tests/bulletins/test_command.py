"""manage.py draft_bulletin: the demo draft as .docx, its figures as JSON, bad options in Chinese."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from projects.models import Street
from projects.selectors.dashboard import overview


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("draft_bulletin", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_prints_the_figures_the_draft_uses(users):
    out, _ = run("--year", "2015", "--month", "9", "--level", "city", "--as", "admin", "--json")
    figures = json.loads(out)
    assert list(figures) == [
        "projects",
        "annual_plan",
        "cumulative",
        "percent",
        "schedule",
        "points",
        "start_rate",
        "completion_rate",
        "problems",
        "timeliness",
    ]
    summary = overview(user=users["admin"], year=2015, month=9, level="city").summary
    assert figures["projects"] == summary.listings == 26
    assert Decimal(figures["annual_plan"]) == summary.annual_plan == Decimal("439950")
    assert Decimal(figures["cumulative"]) == summary.cumulative == Decimal("411700")
    assert Decimal(figures["percent"]) == Decimal("93.58")
    assert Decimal(figures["points"]) == Decimal("18.58")
    assert figures["start_rate"]["planned"] == 7 and figures["start_rate"]["done"] == 5
    assert figures["problems"]["found"] == 50


def test_output_writes_the_docx_of_the_draft(users, tmp_path):
    path = tmp_path / "通报.docx"
    out, _ = run("--year", "2015", "--month", "9", "--region", "410403", "--as", "admin", "--output", str(path))
    assert out.strip() == f"已生成：卫东区2015年1-9月市重点项目建设进展情况通报 → {path}（26 个项目）"
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "26个市重点项目" in text and "超过时间进度18.58个百分点" in text
    assert "（草稿）" in text


def test_a_street_bulletin_covers_that_street_alone(users, tmp_path):
    street = Street.objects.get(name="北环路街道")
    out, err = run("--year", "2015", "--month", "9", "--street", str(street.pk), "--as", "admin", "--json")
    assert (
        json.loads(out)["projects"]
        == overview(user=users["admin"], year=2015, month=9, level="city", street=street).summary.listings
    )
    assert err == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2015", "--month", "13", "--json"], "月份必须在1到12之间"),
        (["--year", "二〇一五", "--month", "9", "--json"], "年度必须是数字"),
        (["--month", "9", "--json"], "请指定年度"),
        (["--year", "2015", "--month", "9", "--level", "town", "--json"], "级别应为"),
        (["--year", "2015", "--month", "9"], "请用 --output"),
        (["--year", "2015", "--month", "9", "--json", "--region", "999999"], "找不到行政区划代码「999999」"),
        (["--year", "2015", "--month", "9", "--json", "--street", "999999"], "找不到编号为 999999 的街道"),
        (["--year", "2015", "--month", "9", "--json", "--as", "nobody"], "找不到账号「nobody」"),
        (["--year", "2015", "--month", "9", "--json", "--as", "admin", "--region", "410400"], "无权查看"),
    ],
)
def test_bad_options_are_refused_in_chinese(users, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)

"""The month sheet's filters (state, street), each row's amount and a returned report's reason; the
counts above the rows stay the whole month's."""

import pytest
from django.urls import reverse

from projects.models import Listing, MonthlyReport, Street

pytestmark = pytest.mark.usefixtures("demo")

SEPTEMBER = {"year": 2015, "month": 9}
RETURNED = "北环路新型墙材厂（示例）"
DRAFT = "北环路街道便民服务中心（示例）"


def sheet(client, **params):
    response = client.get(reverse("projects:report_sheet"), {**SEPTEMBER, **params})
    assert response.status_code == 200
    return response


def names(response):
    return [listing.project.name for listing in response.context["sheet"]]


def counts(response):
    return {label: count for _, label, count in response.context["state_counts"]}


def test_the_state_filter_shows_only_that_state_and_the_counts_stay_the_months(client_for):
    client = client_for("admin")
    everything = sheet(client)
    returned = sheet(client, state="returned")
    assert names(returned) == [RETURNED]
    assert counts(returned) == counts(everything) == {"未填报": 6, "草稿": 1, "已报送": 52, "已退回": 1}
    page = returned.content.decode()
    assert "本月全部 60 个项目的填报情况（不随下方筛选变化）" in page
    assert "筛选结果：1 个项目（本月共 60 个）" in page
    missing = sheet(client, state="missing")
    assert len(names(missing)) == 6
    assert all(listing.report_status == "missing" for listing in missing.context["sheet"])


def test_the_street_filter_offers_only_the_users_streets(client_for):
    staff = sheet(client_for("staff_a"))
    assert [street.name for street in staff.context["filter"].form.fields["street"].queryset] == ["北环路街道"]
    east = Street.objects.get(name="东安路街道")
    refused = sheet(client_for("staff_a"), street=east.pk)
    assert "「街道」没有这个街道，或不在您的范围内。" in refused.content.decode()
    assert len(names(refused)) == len(names(staff))  # the wrong filter is ignored, not applied
    admin = sheet(client_for("admin"), street=east.pk)
    assert names(admin) and {listing.project.street for listing in admin.context["sheet"]} == {east}
    assert len(admin.context["filter"].form.fields["street"].queryset) == 13


@pytest.mark.parametrize("params", [{"state": "lost"}, {"street": "²"}, {"street": "abc"}])
def test_bad_filters_get_a_chinese_message_not_a_500(client_for, params):
    response = sheet(client_for("admin"), **params)
    page = response.content.decode()
    assert "筛选条件有误，已忽略" in page
    assert "没有这个填报状态。" in page or "没有这个街道" in page
    assert len(names(response)) == 60


def test_each_row_shows_its_amount_in_wan_yuan_and_a_returned_reports_reason(client_for):
    listing = Listing.objects.get(project__name=DRAFT, year=2015)
    MonthlyReport.objects.filter(listing=listing, month=9).update(investment="12345.6")
    page = sheet(client_for("staff_a"), state="draft").content.decode()
    assert "本月完成 <strong>12,345.60</strong> 万元" in page
    returned = sheet(client_for("staff_a"), state="returned").content.decode()
    assert "退回原因：形象进度过于简略，请补充本月具体完成的工程量后重新报送。" in returned
    missing = sheet(client_for("admin"), state="missing").content.decode()
    assert "本月完成 —" in missing and "退回原因" not in missing


def test_a_filter_that_matches_nothing_says_so(client_for):
    east = Street.objects.get(name="东安路街道")
    response = sheet(client_for("admin"), state="returned", street=east.pk)
    assert names(response) == []
    assert "没有符合筛选条件的项目。" in response.content.decode()

"""Freezing a period (定稿), by the page's button and the service: only the district's office, only
once, only when every month of the period is closed; afterwards neither a corrected report nor a
changed scheme moves the frozen scores, while an open period's move with the data."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects.models import ClosedMonth, Listing, Street
from projects.services.reports import ReportInput, report_save
from scoring.choices import PeriodKind
from scoring.models import ScoreSheet
from scoring.periods import ScorePeriod
from scoring.selectors.scores import compute, ranking
from scoring.services.freeze import open_months, sheet_freeze
from tests.scoring.conftest import TODAY

pytestmark = pytest.mark.django_db

AUGUST = ScorePeriod(PeriodKind.MONTH, 2015, 8)
SEPTEMBER = ScorePeriod(PeriodKind.MONTH, 2015, 9)


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = TODAY


def freeze_url(scheme):
    return reverse("scoring:sheet_freeze", args=[scheme.pk])


def post_freeze(client, scheme, period):
    return client.post(freeze_url(scheme), {"year": 2015, "period": period}, follow=True)


def said(response):
    return [str(message) for message in response.context["messages"]]


def sheets(scheme):
    return list(ScoreSheet.objects.filter(scheme=scheme).values_list("period_kind", "number"))


# --- who, when, how often ------------------------------------------------------------------------


def test_the_demo_closed_january_to_august_only(scheme):
    assert open_months(scheme, AUGUST) == []
    assert open_months(scheme, ScorePeriod(PeriodKind.QUARTER, 2015, 3)) == [9]
    assert open_months(scheme, ScorePeriod(PeriodKind.YEAR, 2015, 1)) == [9, 10, 11, 12]


def test_freezing_a_period_with_an_open_month_is_refused_naming_it(client_for, scheme):
    response = post_freeze(client_for("admin"), scheme, "quarter-3")
    assert response.redirect_chain[-1][0].startswith(reverse("scoring:ranking"))
    assert said(response) == ["未定稿：9月尚未锁定，2015年第三季度的考核结果还不能定稿。"]
    year = post_freeze(client_for("admin"), scheme, "year-1")
    assert "9月、10月、11月、12月尚未锁定" in said(year)[0]
    assert sheets(scheme) == []


def test_freezing_twice_is_refused(client_for, scheme):
    client = client_for("admin")
    first = post_freeze(client, scheme, "month-8")
    assert said(first) == ["2015年8月考核结果已定稿，此后数据和方案的变化不再影响本期得分。"]
    second = post_freeze(client, scheme, "month-8")
    assert said(second) == ["未定稿：2015年8月的考核结果已经定稿，不能重复定稿。"]
    assert sheets(scheme) == [("month", 8)]
    # the page after the refusal is the frozen period's ranking
    assert second.context["period"] == AUGUST and second.context["sheet"] is not None


def test_a_quarter_freezes_once_its_months_are_closed(client_for, scheme):
    response = post_freeze(client_for("admin"), scheme, "quarter-2")
    assert said(response)[0].startswith("2015年第二季度考核结果已定稿")
    assert sheets(scheme) == [("quarter", 2)]


@pytest.mark.parametrize(
    "role, status",
    # staff_b and other_leader belong to no district in the shared fixture: the scheme is out of sight
    [("staff_a", 403), ("leader", 403), ("staff_b", 404), ("other_leader", 404)],
)
def test_only_the_office_freezes(client_for, scheme, role, status):
    response = client_for(role).post(freeze_url(scheme), {"year": 2015, "period": "month-8"})
    assert response.status_code == status
    assert sheets(scheme) == []


def test_the_service_refuses_a_non_manager_too(scheme, users):
    with pytest.raises(PermissionDenied):
        sheet_freeze(user=users["leader"], scheme=scheme, period=AUGUST, today=TODAY)
    assert sheets(scheme) == []


def test_a_bad_period_is_refused_with_a_message(client_for, scheme):
    client = client_for("admin")
    for data in ({"year": 2015}, {"year": 2015, "period": "month-13"}, {"year": "x", "period": "month-8"}):
        response = client.post(freeze_url(scheme), data, follow=True)
        assert response.status_code == 200
        assert said(response) == ["未定稿：请选择要定稿的考核周期。"]
    other_year = client.post(freeze_url(scheme), {"year": 2014, "period": "month-8"}, follow=True)
    assert said(other_year) == ["未定稿：考核周期须在方案年度（2015年）内。"]
    assert sheets(scheme) == []


def test_freezing_by_get_is_not_allowed(client_for, scheme):
    assert client_for("admin").get(freeze_url(scheme), {"period": "month-8"}).status_code == 405
    assert sheets(scheme) == []


def test_reopening_a_month_does_not_unfreeze_it(scheme, users):
    """A month reopened after freezing leaves the sheet as it was (the office froze it knowingly)."""
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    ClosedMonth.objects.filter(district=scheme.district, year=2015, month=8).delete()
    assert ranking(scheme=scheme, period=AUGUST, kind="street").frozen


# --- a frozen period stays as it was --------------------------------------------------------------


def street_row(scheme, period, name="北环路街道"):
    return ranking(scheme=scheme, period=period, kind="street", today=TODAY).row(Street.objects.get(name=name).pk)


def correct_august(admin, street_name="北环路街道", more=Decimal("5000")):
    """The office corrects a closed August report of one of the street's projects (更正, with a
    reason, through the reporting service admins use for closed months): ``more`` 万元 invested."""
    listing = (
        Listing.objects.filter(year=2015, project__street__name=street_name, reports__month=8).order_by("pk").first()
    )
    report = listing.reports.get(month=8)
    report_save(
        user=admin,
        listing=listing,
        month=8,
        data=ReportInput(investment=report.investment + more, progress=report.progress or "更正"),
        version=report.version,
        submit=False,
        confirmed=True,
        correction_reason="核实后更正8月完成投资",
    )
    report.refresh_from_db()
    return report


def test_a_corrected_report_moves_the_open_period_and_not_the_frozen_one(client_for, scheme, users):
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    august_before, september_before = street_row(scheme, AUGUST), street_row(scheme, SEPTEMBER)
    assert august_before.criteria[0].points < Decimal("40")  # 北环路 is behind on investment: room to move
    report = correct_august(users["admin"])
    assert report.history.first().history_change_reason.startswith("已锁定月份更正")

    august_after, september_after = street_row(scheme, AUGUST), street_row(scheme, SEPTEMBER)
    assert august_after == august_before  # frozen: every figure as it was
    assert september_after.criteria[0].value.cumulative == september_before.criteria[0].value.cumulative + 5000
    assert september_after.total > september_before.total
    # the live August would have moved: the frozen one did not because it is frozen
    _, live = compute(scheme, AUGUST, "street", today=TODAY)
    live_row = next(row for row in live if row.key == august_before.key)
    assert live_row.criteria[0].value.cumulative == august_before.criteria[0].value.cumulative + 5000

    # and the pages say the same
    client = client_for("admin")
    url = reverse("scoring:subject_score", args=[scheme.pk, "street", august_before.key])
    august_page = client.get(url, {"period": "month-8"}).content.decode()
    september_page = client.get(url, {"period": "month-9"}).content.decode()
    assert f"总分 {august_before.total}" in august_page
    assert f"总分 {september_after.total}" in september_page


def test_changing_the_scheme_after_freezing_leaves_the_frozen_ranking(scheme, users):
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    frozen = ranking(scheme=scheme, period=AUGUST, kind="street", today=TODAY)
    live_before = ranking(scheme=scheme, period=SEPTEMBER, kind="street", today=TODAY)
    investment = scheme.criteria.get(name="投资完成")
    investment.weight, investment.lower, investment.upper = Decimal("30"), Decimal("80"), Decimal("130")
    investment.save()
    scheme.criteria.filter(name="问题办结").update(per_item=Decimal("5"))

    again = ranking(scheme=scheme, period=AUGUST, kind="street", today=TODAY)
    assert again.rows == frozen.rows
    assert again.criteria == frozen.criteria
    assert [c.weight for c in again.criteria if c.name == "投资完成"] == [Decimal("40.00")]
    live_after = ranking(scheme=scheme, period=SEPTEMBER, kind="street", today=TODAY)
    assert [row.total for row in live_after.rows] != [row.total for row in live_before.rows]
    assert [c.weight for c in live_after.criteria if c.name == "投资完成"] == [Decimal("30")]


def test_freezing_before_the_last_months_reports_are_due_is_refused(scheme, users):
    """September closed on 20 October, before its reports are due (the 26th: the 25th is a Sunday):
    a report still missing would never count as late, so the period waits for the due day."""
    ClosedMonth.objects.create(district=scheme.district, year=2015, month=9)
    september = ScorePeriod("month", 2015, 9)
    with pytest.raises(ValidationError, match="报送截止日（2015-10-26）还未过"):
        sheet_freeze(user=users["admin"], scheme=scheme, period=september, today=TODAY)
    assert not ScoreSheet.objects.filter(scheme=scheme).exists()
    sheet_freeze(user=users["admin"], scheme=scheme, period=september, today=TODAY + timedelta(days=7))
    assert ScoreSheet.objects.filter(scheme=scheme, period_kind="month", number=9).exists()

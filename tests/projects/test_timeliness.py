"""报送及时率: the due date of a month's reports (the due day, moved past weekends and holidays), on
time / late / missing at the boundary in local time, the 未报送 page's tables, and 催报."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Exists, OuterRef
from django.urls import reverse

from projects import events
from projects.choices import ReportStatus
from projects.models import Listing, MonthlyReport
from projects.selectors.timeliness import report_due, report_due_date, report_timeliness
from projects.services.chasing import reports_chase
from projects.services.errors import PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
NORTH = "北环路街道"  # staff_a's street; its three 2015 district-level listings have no September report


def local(day, hour, minute):
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL)


# --- the due date ------------------------------------------------------------------------------------


def test_the_due_day_of_the_following_month(settings):
    settings.KP_REPORT_DUE_DAY = 25
    assert report_due_date(2015, 8) == date(2015, 9, 25)  # a Friday
    assert report_due_date(2015, 12) == date(2016, 1, 25)  # December's: in January of the next year


def test_a_due_day_on_a_sunday_moves_to_monday(settings):
    settings.KP_REPORT_DUE_DAY = 25
    assert date(2015, 10, 25).weekday() == 6
    due = report_due(2015, 9)
    assert (due.nominal, due.date, due.moved) == (date(2015, 10, 25), date(2015, 10, 26), True)


def test_a_due_day_in_the_spring_festival_moves_to_the_next_working_day(settings):
    settings.KP_REPORT_DUE_DAY = 25
    # 2023-01-25 lies in the Spring Festival holiday (21–27 January); Saturday the 28th is a 调休
    # working day, so December 2022's reports are due that Saturday.
    assert report_due_date(2022, 12) == date(2023, 1, 28)
    assert date(2023, 1, 28).weekday() == 5


def test_a_due_day_past_a_short_months_end_is_its_last_day(settings):
    settings.KP_REPORT_DUE_DAY = 31
    assert report_due_date(2015, 10) == date(2015, 11, 30)  # November has 30 days; the 30th is a Monday
    assert report_due_date(2015, 9) == date(2015, 11, 2)  # Saturday the 31st → Monday 2 November
    assert report_due_date(2016, 1) == date(2016, 2, 29)  # a leap year's February


# --- on time, late, missing ----------------------------------------------------------------------------


def north(by_street):
    return next(row for row in by_street.rows if row.label == NORTH)


@pytest.fixture
def north_reports(demo, settings):
    """北环路街道's three district-level listings of 2015 and their September reports, made submitted
    at the times a test gives."""
    settings.KP_REPORT_DUE_DAY = 25
    submitted = MonthlyReport.objects.filter(listing=OuterRef("pk"), month=9, status=ReportStatus.SUBMITTED)
    listings = list(
        Listing.objects.filter(year=2015, project__street__name=NORTH).exclude(Exists(submitted)).order_by("pk")
    )
    assert len(listings) == 3

    def submit(listing, at):
        MonthlyReport.objects.update_or_create(
            listing=listing,
            month=9,
            defaults={"investment": 1, "progress": "测试", "status": ReportStatus.SUBMITTED, "reported_at": at},
        )

    return listings, submit


def test_on_the_due_day_is_on_time_and_the_next_day_late(users, north_reports):
    listings, submit = north_reports
    admin = users["admin"]
    before = north(report_timeliness(user=admin, year=2015, month=9, by="street"))
    assert (before.due, before.on_time, before.late, before.missing) == (6, 3, 0, 3)
    submit(listings[0], local(date(2015, 10, 26), 23, 59))  # the due day (the 25th was a Sunday), 23:59
    submit(listings[1], local(date(2015, 10, 27), 0, 1))  # a minute into the next day
    row = north(report_timeliness(user=admin, year=2015, month=9, by="street"))
    assert (row.due, row.on_time, row.late, row.missing) == (6, 4, 1, 1)
    assert row.rate == Decimal("66.7") and row.rate_text == "66.7%"


def test_the_boundary_is_local_time_not_utc(users, north_reports):
    listings, submit = north_reports
    # 16:30 UTC on the 26th is 00:30 on the 27th in 北京时间: late.
    submit(listings[0], datetime(2015, 10, 26, 16, 30, tzinfo=ZoneInfo("UTC")))
    # 15:59 UTC on the 26th is 23:59 on the 26th: on time.
    submit(listings[1], datetime(2015, 10, 26, 15, 59, tzinfo=ZoneInfo("UTC")))
    row = north(report_timeliness(user=users["admin"], year=2015, month=9, by="street"))
    assert (row.on_time, row.late, row.missing) == (4, 1, 1)


def test_a_returned_or_draft_report_is_missing(users, north_reports):
    listings, submit = north_reports
    submit(listings[0], local(date(2015, 10, 10), 9, 0))
    MonthlyReport.objects.filter(listing=listings[0], month=9).update(status=ReportStatus.RETURNED)
    row = north(report_timeliness(user=users["admin"], year=2015, month=9, by="street"))
    assert (row.on_time, row.late, row.missing) == (3, 0, 3)


def test_totals_units_and_the_rate_when_nothing_is_due(users, north_reports):
    admin = users["admin"]
    by_street = report_timeliness(user=admin, year=2015, month=9, by="street")
    by_unit = report_timeliness(user=admin, year=2015, month=9, by="unit")
    listings = Listing.objects.filter(year=2015, project__district__code="410403")
    for t in (by_street, by_unit):
        assert t.total.due == listings.count() == sum(row.due for row in t.rows)
        assert t.total.on_time + t.total.late + t.total.missing == t.total.due
    assert by_unit.total.missing == by_street.total.missing == 8
    assert by_street.total.rate_text == f"{by_street.total.rate}%"
    nothing = report_timeliness(user=admin, year=2030, month=9, by="street")
    assert nothing.rows == () and nothing.total.rate is None and nothing.total.rate_text == "—"


def test_staff_see_their_own_streets_rows(users, north_reports):
    rows = report_timeliness(user=users["staff_a"], year=2015, month=9, by="street").rows
    assert [row.label for row in rows] == [NORTH]


def test_the_figures_are_one_grouped_query(users, north_reports, django_assert_num_queries):
    admin = users["admin"]
    report_timeliness(user=admin, year=2015, month=9, by="unit")  # warm the calendar lookups
    # The office calendar (is the 25th a working day; which is the next), then one grouped query:
    # the same three however many listings there are.
    with django_assert_num_queries(3):
        report_timeliness(user=admin, year=2015, month=9, by="street")


# --- the 未报送 page -------------------------------------------------------------------------------------


def test_the_missing_page_shows_the_due_date_and_both_tables(client_for, north_reports):
    listings, submit = north_reports
    submit(listings[0], local(date(2015, 10, 27), 8, 0))
    page = client_for("admin").get(reverse("projects:report_missing"), {"year": 2015, "month": 9})
    text = page.content.decode()
    assert "报送截止：2015年10月26日（25日为休息日，顺延）" in text
    assert 'id="timeliness-street"' in text and 'id="timeliness-unit"' in text
    street = page.context["timeliness_streets"]
    assert north(street).late == 1 and street.total.late == 1
    assert "催报</button>" in text


# --- 催报 ----------------------------------------------------------------------------------------------


@pytest.fixture
def chased():
    sent = []

    def receive(sender, signal, **kwargs):
        sent.append((sender, kwargs))

    events.reports_chased.connect(receive)
    yield sent
    events.reports_chased.disconnect(receive)


def test_the_chase_reaches_the_staff_keeping_the_missing_listings(users, north_reports, chased):
    admin = users["admin"]
    count = reports_chase(user=admin, year=2015, month=9)
    ((sender, sent),) = chased
    assert sender is MonthlyReport
    assert (sent["year"], sent["month"], sent["by"]) == (2015, 9, admin)
    # staff_a keeps 北环路街道's; staff_b (东安路街道) keeps 东安路商务酒店, still missing too.
    assert sorted(user.username for user in sent["users"]) == ["staff", "staff_b"] and count == 2


def test_a_street_with_everything_in_is_not_chased(users, north_reports, chased):
    listings, submit = north_reports
    for listing in listings:
        submit(listing, local(date(2015, 10, 10), 9, 0))
    assert reports_chase(user=users["admin"], year=2015, month=9) == 1
    assert chased[0][1]["users"] == [users["staff_b"]]


def test_nothing_missing_is_refused_in_chinese(users, chased):
    with pytest.raises(ValidationError, match="2015年8月的项目均已报送，无需催报"):
        reports_chase(user=users["admin"], year=2015, month=8)
    assert chased == []


@pytest.mark.usefixtures("north_reports")
def test_only_admins_chase_and_only_a_month_that_is_over(users, chased, settings):
    for role in ("staff_a", "leader"):
        with pytest.raises(PermissionDenied):
            reports_chase(user=users[role], year=2015, month=9)
    settings.KP_TODAY = date(2015, 9, 20)
    with pytest.raises(ValidationError, match="还没有结束"):
        reports_chase(user=users["admin"], year=2015, month=9)
    assert chased == []


def test_the_chase_button_says_how_many_were_reminded(client_for, north_reports, chased):
    response = client_for("admin").post(reverse("projects:report_chase"), {"year": 2015, "month": 9}, follow=True)
    count = len(chased[0][1]["users"])
    assert f"已向{count}人发送催报提醒。" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"{reverse('projects:report_missing')}?year=2015&month=9"
    bad = client_for("admin").post(reverse("projects:report_chase"), {"year": 2015, "month": 13}, follow=True)
    assert "未催报" in bad.content.decode() and len(chased) == 1


def test_missing_listings_nobody_keeps_cannot_be_chased(users, chased, django_user_model):
    django_user_model.objects.filter(role="staff").update(is_active=False)
    with pytest.raises(ValidationError, match="没有负责的填报员账号"):
        reports_chase(user=users["admin"], year=2015, month=9)
    assert chased == []

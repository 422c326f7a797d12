"""Working days (projects.workdays): the State Council's 2015 calendar through chinese-calendar —
the National Day week off, Saturday 2015-10-10 worked (调休), the 9-3 commemoration days — and, for
a year past the package's data, the weekends plus the office's own calendar (CalendarDay)."""

from datetime import date, timedelta

import chinese_calendar
import pytest

from projects.models import CalendarDay, DayKind
from projects.workdays import (
    MAX_WORKDAYS,
    calendar_needs_checking,
    is_workday,
    next_workday,
    package_covers,
    workdays_after,
    workdays_between,
)

pytestmark = pytest.mark.django_db

D = date.fromisoformat
LATE_YEAR = 2030  # chinese-calendar has no data for it (it raises NotImplementedError)


# --- 2015, from the package ---------------------------------------------------------------------


def test_the_2015_national_day_week_and_its_make_up_saturday():
    for day in range(1, 8):
        assert not is_workday(date(2015, 10, day)), day
    assert is_workday(D("2015-10-10"))  # a Saturday worked (调休)
    assert not is_workday(D("2015-10-11"))  # an ordinary Sunday
    assert is_workday(D("2015-09-30")) and is_workday(D("2015-10-08"))


@pytest.mark.parametrize(
    "start, count, expected",
    [
        # 9-30, 10-8, 10-9, 10-10 (the 调休 Saturday), 10-12.
        ("2015-09-29", 5, "2015-10-12"),
        ("2015-09-29", 1, "2015-09-30"),
        ("2015-09-30", 1, "2015-10-08"),  # the whole week off is skipped
        ("2015-09-30", 3, "2015-10-10"),  # the make-up Saturday counts as a working day
        ("2015-10-09", 1, "2015-10-10"),
        ("2015-10-10", 1, "2015-10-12"),
        ("2015-10-01", 1, "2015-10-08"),  # counted from a holiday
        ("2015-10-20", 3, "2015-10-23"),
        # 9-3 and 9-4 off (抗战胜利70周年), Sunday 9-6 worked: 20 working days from 8-17 end 9-15.
        ("2015-08-17", 20, "2015-09-15"),
        # 40 working days from 8-20 span both: they end 10-22 (上徐's 控规 in the demo).
        ("2015-08-20", 40, "2015-10-22"),
    ],
)
def test_workdays_after_across_the_national_day_week(start, count, expected):
    assert workdays_after(D(start), count) == D(expected)


def test_zero_is_the_start_itself_even_on_a_holiday():
    assert workdays_after(D("2015-10-03"), 0) == D("2015-10-03")


@pytest.mark.parametrize(
    "start, count, expected",
    [
        ("2015-10-12", -5, "2015-09-29"),
        ("2015-10-08", -1, "2015-09-30"),
        ("2015-10-12", -1, "2015-10-10"),
        ("2015-10-11", -2, "2015-10-09"),
        ("2015-10-22", -40, "2015-08-20"),
    ],
)
def test_negative_counts_go_back(start, count, expected):
    assert workdays_after(D(start), count) == D(expected)


def test_forward_and_back_are_inverse_on_working_days():
    day = D("2015-09-01")
    while day < D("2015-11-01"):
        if is_workday(day):
            for count in (1, 5, 12):
                assert workdays_after(workdays_after(day, count), -count) == day
        day += timedelta(days=1)


def test_next_workday():
    assert next_workday(D("2015-09-30")) == D("2015-09-30")
    assert next_workday(D("2015-10-01")) == D("2015-10-08")
    assert next_workday(D("2015-10-07")) == D("2015-10-08")
    assert next_workday(D("2015-10-10")) == D("2015-10-10")
    assert next_workday(D("2015-10-11")) == D("2015-10-12")


def test_workdays_between():
    assert workdays_between(D("2015-09-30"), D("2015-10-12")) == 4  # 10-8, 10-9, 10-10, 10-12
    assert workdays_between(D("2015-09-28"), D("2015-10-12")) == 6
    assert workdays_between(D("2015-10-01"), D("2015-10-07")) == 0
    assert workdays_between(D("2015-10-20"), D("2015-10-22")) == 2
    assert workdays_between(D("2015-10-12"), D("2015-10-12")) == 0
    assert workdays_between(D("2015-10-12"), D("2015-09-29")) == 0  # the end before the start
    for count in (1, 5, 20, 40):
        assert workdays_between(D("2015-08-20"), workdays_after(D("2015-08-20"), count)) == count


def test_the_out_of_range_guard():
    with pytest.raises(ValueError, match="out of range"):
        workdays_after(D("2015-01-01"), MAX_WORKDAYS + 1)
    with pytest.raises(ValueError, match="out of range"):
        workdays_after(D("2015-01-01"), -(MAX_WORKDAYS + 1))
    assert workdays_after(D("2015-01-05"), 250) > D("2015-12-01")


def test_the_office_calendar_wins_over_the_package():
    CalendarDay.objects.create(day=D("2015-10-12"), kind=DayKind.HOLIDAY, name="演示：临时放假")
    assert workdays_after(D("2015-09-29"), 5) == D("2015-10-13")
    CalendarDay.objects.create(day=D("2015-10-04"), kind=DayKind.WORKDAY, name="演示：调休上班")
    assert workdays_after(D("2015-09-30"), 1) == D("2015-10-04")


# --- A year the package does not know -------------------------------------------------------------


def test_the_package_has_no_data_for_the_late_year():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(LATE_YEAR, 10, 1))
    assert not package_covers(LATE_YEAR) and package_covers(2015)


def test_a_late_year_falls_back_to_weekends_and_the_office_calendar():
    # 2030-10-01 is a Tuesday: without the office's entries, an ordinary working day.
    assert is_workday(date(LATE_YEAR, 10, 1))
    assert workdays_after(date(LATE_YEAR, 9, 30), 1) == date(LATE_YEAR, 10, 1)
    assert workdays_after(date(LATE_YEAR, 10, 4), 1) == date(LATE_YEAR, 10, 7)  # Friday → Monday
    assert calendar_needs_checking(LATE_YEAR)

    # A 调休 day alone does not make the year checked: its holidays are what matter.
    CalendarDay.objects.create(day=date(LATE_YEAR, 9, 29), kind=DayKind.WORKDAY, name="国庆节调休")
    assert calendar_needs_checking(LATE_YEAR)
    assert workdays_after(date(LATE_YEAR, 9, 27), 1) == date(LATE_YEAR, 9, 29)  # that Sunday counts

    for day in range(1, 8):
        CalendarDay.objects.create(day=date(LATE_YEAR, 10, day), kind=DayKind.HOLIDAY, name="国庆节")
    assert not calendar_needs_checking(LATE_YEAR)
    assert not is_workday(date(LATE_YEAR, 10, 1))
    assert workdays_after(date(LATE_YEAR, 9, 30), 1) == date(LATE_YEAR, 10, 8)
    assert workdays_between(date(LATE_YEAR, 9, 27), date(LATE_YEAR, 10, 8)) == 3  # 9-29, 9-30, 10-8
    assert next_workday(date(LATE_YEAR, 10, 3)) == date(LATE_YEAR, 10, 8)


def test_a_year_the_package_knows_never_needs_checking():
    assert not calendar_needs_checking(2015)
    assert not calendar_needs_checking(2026)


@pytest.mark.skipif(package_covers(2027), reason="chinese-calendar now knows 2027")
def test_a_span_from_a_known_year_into_an_unknown_one():
    # 2026-12-31 is a Thursday; 2027 is past the package: 1 January 2027 (Friday) is a working day
    # until the office enters it as 元旦.
    assert workdays_after(date(2026, 12, 31), 1) == date(2027, 1, 1)
    CalendarDay.objects.create(day=date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    assert workdays_after(date(2026, 12, 31), 1) == date(2027, 1, 4)

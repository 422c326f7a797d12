"""The reporting period value and the form that reads it with a page's own default."""

import datetime

from projects.forms import PeriodForm
from projects.periods import Period


def test_a_period_steps_over_the_turn_of_the_year_and_reads_in_chinese():
    assert Period(2015, 12).next() == (2016, 1) and Period(2016, 1).previous() == (2015, 12)
    assert Period(2015, 9).next() == Period(2015, 10) and Period(2015, 9) < Period(2015, 10) < Period(2016, 1)
    assert Period(2015, 9).label == "2015年9月"
    assert Period(2016, 2).last_day == datetime.date(2016, 2, 29)
    assert Period.of(datetime.date(2026, 11, 30)) == (2026, 11)


def test_the_form_fills_what_is_missing_or_wrong_from_the_pages_default():
    asked = []

    def default(year):
        asked.append(year)
        return Period(year or 2015, 9)

    assert PeriodForm({}).period(default) == (2015, 9)
    assert PeriodForm({"year": "2014"}).period(default) == (2014, 9)  # the default of the year asked for
    assert PeriodForm({"year": "2014", "month": "3"}).period(default) == (2014, 3)
    wrong = PeriodForm({"year": "abc", "month": "13"})
    assert wrong.period(default) == (2015, 9) and set(wrong.errors) == {"year", "month"}
    assert PeriodForm({"month": "²"}).period(default) == (2015, 9)
    assert asked == [None, 2014, 2014, None, None]

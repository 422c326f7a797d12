"""Forms that parse scoring's input: the period a page is about (here), the scheme and its criteria,
adjustments (scoring's pages add theirs below)."""

from django import forms

from projects.models import FIRST_YEAR, LAST_YEAR
from scoring.choices import PeriodKind
from scoring.periods import QUARTER_NAMES, ScorePeriod


def period_choices():
    """("month-9", "9月"), …, ("quarter-3", "第三季度"), …, ("year-1", "全年")."""
    months = [(f"{PeriodKind.MONTH}-{m}", f"{m}月") for m in range(1, 13)]
    quarters = [(f"{PeriodKind.QUARTER}-{q}", f"第{QUARTER_NAMES[q]}季度") for q in range(1, 5)]
    return [*months, *quarters, (f"{PeriodKind.YEAR}-1", "全年")]


class ScorePeriodForm(forms.Form):
    """A year and a period of it from GET (``?year=2015&period=month-9``), each optional;
    ``score_period(default)`` fills what is missing from ``default`` (a ScorePeriod)."""

    year = forms.IntegerField(
        label="年度",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        error_messages={"invalid": "年度必须是数字。"},
    )
    period = forms.ChoiceField(
        label="考核周期",
        choices=period_choices,
        required=False,
        error_messages={"invalid_choice": "考核周期只能是某月、某季度或全年。"},
    )

    def score_period(self, default):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        year = data.get("year") or default.year
        if data.get("period"):
            kind, number = data["period"].split("-")
            return ScorePeriod.parse(kind, year, int(number))
        return ScorePeriod(default.kind, year, default.number)


def period_param(period):
    """The GET value of a period: "month-9"."""
    return f"{period.kind}-{period.number}"

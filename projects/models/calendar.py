"""The office's own working-day calendar: holidays and 调休 working days for the years the
chinese-calendar package has no data for yet (projects.workdays reads it)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from projects.models.base import FIRST_YEAR, LAST_YEAR


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class CalendarDay(models.Model):
    """One day that is not what its weekday says: a weekday off (放假) or a weekend worked (调休上班)."""

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("说明", max_length=50, blank=True, help_text="如：春节、国庆节调休。")

    history = HistoricalRecords(verbose_name="工作日历变更记录")

    class Meta:
        verbose_name = "工作日历（节假日与调休）"
        verbose_name_plural = "工作日历（节假日与调休）"
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DayKind.values), name="calendarday_kind_valid"),
            models.CheckConstraint(
                condition=Q(day__gte=date(FIRST_YEAR, 1, 1)) & Q(day__lte=date(LAST_YEAR, 12, 31)),
                name="calendarday_day_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self):
        if self.day and not FIRST_YEAR <= self.day.year <= LAST_YEAR:
            raise ValidationError({"day": f"日期应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间。"})

"""Monthly reporting: the reports, their photos, the months the office has closed, and the data
derived from submitted reports (month-end cumulatives, the data version)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from projects.choices import (
    ReportStatus,
)
from projects.fields import AmountField
from projects.models.base import StaffKeptQuerySet, TimestampedModel
from projects.models.organisation import district_key
from projects.models.projects import Listing

# What counts in official figures: submitted reports only, never drafts or returned ones.
COUNTED_REPORT = Q(status=ReportStatus.SUBMITTED)


class MonthlyReportQuerySet(StaffKeptQuerySet):
    project_path = "listing__project__"


class MonthlyReport(TimestampedModel):
    """One month's progress of a listing; the year's cumulative is the sum of its months."""

    listing = models.ForeignKey(Listing, models.PROTECT, related_name="reports", verbose_name="清单项目")
    month = models.PositiveSmallIntegerField("月份")
    investment = AmountField("本月完成投资（万元）", default=Decimal("0"))
    progress = models.TextField("形象进度", blank=True)
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="monthly_reports",
        verbose_name="填报人",
    )
    reported_at = models.DateTimeField("报送时间", null=True, blank=True)
    returned_reason = models.TextField("退回原因", blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="returned_reports",
        verbose_name="退回人",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    # Optimistic locking: every save claims the version it was edited from (see services.reports).
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = MonthlyReportQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="月度填报变更记录")

    class Meta:
        verbose_name = "月度填报"
        verbose_name_plural = "月度填报"
        ordering = ["listing", "month"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "month"], name="report_unique_listing_month"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="report_month_1_to_12"),
            models.CheckConstraint(condition=Q(investment__gte=0), name="report_investment_non_negative"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_valid"),
        ]

    def __str__(self):
        return f"{self.listing} · {self.month}月"


class ListingCumulative(models.Model):
    """A listing's counted investment from January to the end of each month, one row per listing:
    derived data, never edited, rebuilt from the submitted reports whenever one of them changes
    (services.cumulatives). Pages at province scale join this row instead of summing reports."""

    listing = models.OneToOneField(
        Listing, models.CASCADE, primary_key=True, related_name="cumulative_row", verbose_name="清单项目"
    )
    month_1 = AmountField("1月累计", default=Decimal("0"))
    month_2 = AmountField("1-2月累计", default=Decimal("0"))
    month_3 = AmountField("1-3月累计", default=Decimal("0"))
    month_4 = AmountField("1-4月累计", default=Decimal("0"))
    month_5 = AmountField("1-5月累计", default=Decimal("0"))
    month_6 = AmountField("1-6月累计", default=Decimal("0"))
    month_7 = AmountField("1-7月累计", default=Decimal("0"))
    month_8 = AmountField("1-8月累计", default=Decimal("0"))
    month_9 = AmountField("1-9月累计", default=Decimal("0"))
    month_10 = AmountField("1-10月累计", default=Decimal("0"))
    month_11 = AmountField("1-11月累计", default=Decimal("0"))
    month_12 = AmountField("1-12月累计", default=Decimal("0"))

    class Meta:
        verbose_name = "累计完成投资"
        verbose_name_plural = "累计完成投资"

    def __str__(self):
        return f"{self.listing} · 累计完成投资"

    @staticmethod
    def field_for(month):
        """The column holding the cumulative from January to the end of ``month``."""
        return f"month_{int(month)}"

    def through(self, month):
        return getattr(self, self.field_for(month))


class ClosedMonth(models.Model):
    """A reporting month a district's office (or one above it) has closed (锁定) for that district:
    its reports no longer change without a reason. Each district's month closes on its own."""

    district = district_key(related_name="closed_months", verbose_name="区县")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="锁定人"
    )
    closed_at = models.DateTimeField("锁定时间", default=timezone.now)

    history = HistoricalRecords(verbose_name="月份锁定变更记录")

    class Meta:
        verbose_name = "已锁定月份"
        verbose_name_plural = "已锁定月份"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "month"], name="closed_month_unique_in_district"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="closed_month_1_to_12"),
        ]

    def __str__(self):
        return f"{self.district}{self.year}年{self.month}月"


def photo_upload_to(instance, filename):
    """Stored under a generated name; the uploaded file name is kept only as text."""
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


def thumbnail_upload_to(instance, filename):
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}_thumb.jpg"


class PhotoQuerySet(StaffKeptQuerySet):
    project_path = "report__listing__project__"


class ReportPhoto(models.Model):
    """A site photo attached to a monthly report."""

    report = models.ForeignKey(MonthlyReport, models.CASCADE, related_name="photos", verbose_name="月度填报")
    image = models.FileField("照片", upload_to=photo_upload_to)
    thumbnail = models.FileField("缩略图", upload_to=thumbnail_upload_to)
    extension = models.CharField("格式", max_length=4)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    size = models.PositiveIntegerField("大小（字节）")
    width = models.PositiveIntegerField("宽度")
    height = models.PositiveIntegerField("高度")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = PhotoQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="现场照片变更记录")

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["uploaded_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(extension__in=["jpg", "png"]), name="photo_extension_valid")]

    def __str__(self):
        return self.original_name or self.image.name

    def stored_names(self):
        return [self.image.name, self.thumbnail.name]


class DataVersion(models.Model):
    """One row whose token changes after every committed write to the application's tables
    (projects.freshness): figures computed from the data are reused until it changes."""

    token = models.CharField("版本", max_length=32)
    changed = models.DateTimeField("变更时间", auto_now=True)

    class Meta:
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"

    def __str__(self):
        return self.token

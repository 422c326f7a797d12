"""Issued bulletins (第N期, numbered per office and year) and the office's Word template.

A bulletin is drafted from the data every time it is opened (bulletins.selectors.drafts); only an
issued one is stored, frozen: its text, its figures and its .docx never change afterwards, even when
a report is corrected. Correcting it means issuing a new one that names the one it replaces.
"""

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from projects.choices import Level


class Bulletin(models.Model):
    region = models.ForeignKey(
        "projects.Region", models.PROTECT, related_name="bulletins", verbose_name="项目办（行政区划）"
    )
    street = models.ForeignKey(
        "projects.Street", models.PROTECT, null=True, blank=True, related_name="bulletins", verbose_name="街道"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    number = models.PositiveSmallIntegerField("期数", help_text="第N期，按项目办和年度连续编号。")
    title = models.CharField("标题", max_length=200)
    content = models.JSONField("正文", help_text="签发时的各部分文字和表格，此后不再改变。")
    figures = models.JSONField("数据", help_text="签发时所用的数据。")
    next_steps = models.TextField("下步工作", blank=True)
    notes = models.TextField("备注", blank=True)
    document = models.FileField("Word 文件", upload_to="bulletins/%Y/", max_length=255)
    replaces = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="replaced_by", verbose_name="更正的通报"
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="签发人")
    issued_at = models.DateTimeField("签发时间")
    history = HistoricalRecords(verbose_name="通报变更记录")

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "number"], name="bulletin_number_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="bulletin_month_valid"),
        ]

    def __str__(self):
        return f"{self.year}年第{self.number}期：{self.title}"

    @property
    def issued_on(self):
        """The date the bulletin bears: the reporting date (projects.clock) it was issued on, kept
        in its content; issued_at is the moment of the write."""
        return date.fromisoformat(self.content["issued_on"])


class BulletinTemplate(models.Model):
    """The Word template an office issues its bulletins with (docxtpl: Jinja in a .docx); without
    one the default template shipped with the application is used."""

    region = models.ForeignKey(
        "projects.Region", models.PROTECT, related_name="bulletin_templates", verbose_name="项目办（行政区划）"
    )
    file = models.FileField("模板文件", upload_to="bulletin-templates/", max_length=255)
    original_name = models.CharField("上传文件名", max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间")
    active = models.BooleanField("使用中", default=True)
    history = HistoricalRecords(verbose_name="通报模板变更记录")

    class Meta:
        verbose_name = "通报模板"
        verbose_name_plural = "通报模板"
        constraints = [
            models.UniqueConstraint(
                fields=["region"], condition=models.Q(active=True), name="bulletin_template_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.region.name}通报模板（{self.original_name}）"

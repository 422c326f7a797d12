"""Imports of the municipal lists: each upload kept with what its preview found and what was applied."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from projects.choices import (
    ImportStatus,
    Level,
)
from projects.scoping import managed_rows


def import_upload_to(instance, filename):
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The imports of the user's office and of the offices under it (all, for the operator)."""
        return self.filter(managed_rows(user, "region"))


class ImportRecord(models.Model):
    """One upload of a municipal list: the file kept, who and when, what the preview found and
    what was applied."""

    file = models.FileField("文件", upload_to=import_upload_to, blank=True)  # none kept for a refused upload
    original_name = models.CharField("原文件名", max_length=255)
    sha256 = models.CharField("文件摘要", max_length=64)
    region = models.ForeignKey(
        "projects.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name="导入的项目办",
        help_text="导入只写入该行政区划及其下级的项目。",
    )
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    status = models.CharField("状态", max_length=10, choices=ImportStatus.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    plan_digest = models.CharField("预览摘要", max_length=64, blank=True)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    error_count = models.PositiveIntegerField("错误", default=0)
    summary = models.JSONField("结果摘要", default=dict, blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "清单导入记录"
        verbose_name_plural = "清单导入记录"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.original_name}（{self.year}年{self.get_level_display()}，{self.get_status_display()}）"

    def get_absolute_url(self):
        return reverse("projects:import_detail", args=[self.pk])

    def download_name(self, prefix=""):
        """The name a download of this import is saved under: always .xlsx (the kept file is a
        workbook whatever the upload was called, and so is the error list)."""
        stem = PurePosixPath(self.original_name.replace("\\", "/")).stem.strip() or "清单"
        return f"{prefix}{stem}.xlsx"

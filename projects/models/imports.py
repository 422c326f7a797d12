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

KEPT_EXTENSIONS = (".xlsx", ".xls", ".ods")


def import_upload_to(instance, filename):
    """A name of its own; the extension the service chose by the file's bytes (list.xls, …)."""
    extension = PurePosixPath(filename).suffix.lower()
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension if extension in KEPT_EXTENSIONS else '.xlsx'}"


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

    def download_name(self, prefix="", *, kept_file=False):
        """The name a download of this import is saved under: the kept file's own extension (.xlsx,
        .xls or .ods, by its bytes when it was kept) for the kept file, .xlsx for the error list;
        never the extension the upload came with."""
        stem = PurePosixPath(self.original_name.replace("\\", "/")).stem.strip() or "清单"
        extension = PurePosixPath(self.file.name).suffix.lower() if kept_file and self.file else ".xlsx"
        return f"{prefix}{stem}{extension if extension in KEPT_EXTENSIONS else '.xlsx'}"

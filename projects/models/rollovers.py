"""Next year's list proposed from a year's listings (从上年续转): each preview kept with what it
proposed, and what was applied."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from projects.choices import RolloverStatus
from projects.models.imports import ImportRecordQuerySet


class Rollover(models.Model):
    """One proposal of a year's list carried over from the year before, previewed by an office
    and confirmed once (services.rollover)."""

    region = models.ForeignKey(
        "projects.Region",
        models.PROTECT,
        related_name="rollovers",
        verbose_name="续转的项目办",
        help_text="续转只涉及该行政区划及其下级的项目。",
    )
    from_year = models.PositiveSmallIntegerField("原清单年度")
    to_year = models.PositiveSmallIntegerField("新清单年度")
    status = models.CharField("状态", max_length=10, choices=RolloverStatus.choices, default=RolloverStatus.PREVIEWED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="预览人"
    )
    created_at = models.DateTimeField("预览时间", default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    applied_at = models.DateTimeField("确认时间", null=True, blank=True)
    plan_digest = models.CharField("预览摘要", max_length=64)
    created = models.PositiveIntegerField("新增", default=0)
    summary = models.JSONField("预览内容", default=dict, blank=True)

    objects = ImportRecordQuerySet.as_manager()  # an office's own and those of the offices under it

    class Meta:
        verbose_name = "清单续转记录"
        verbose_name_plural = "清单续转记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.from_year}年→{self.to_year}年续转（{self.get_status_display()}）"

    def get_absolute_url(self):
        return reverse("projects:rollover_detail", args=[self.pk])

"""What an office publishes about a project as open data: whether it may be published (可公开) and
the point where it is built. One row per project, made when an admin or the project's staff first
save it; a project without one is not public and has no point."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from opendata.choices import CoordinateSystem
from projects.models import Project
from projects.models.base import ProjectQuerySet, TimestampedModel


class PublicationQuerySet(ProjectQuerySet):
    project_path = "project__"


def _coordinate(label, limit):
    return models.DecimalField(
        label,
        max_digits=10,
        decimal_places=7,  # a centimetre: more than any map a point is copied from
        null=True,
        blank=True,
        validators=[MinValueValidator(-limit), MaxValueValidator(limit)],
    )


class Publication(TimestampedModel):
    project = models.OneToOneField(Project, models.CASCADE, related_name="publication", verbose_name="项目")
    public = models.BooleanField(
        "可公开", default=False, help_text="勾选后，该项目列入本级按 OC4IDS 标准发布的公开数据；默认不公开。"
    )
    purpose = models.TextField(
        "建设目的", blank=True, help_text="项目要解决什么问题、带来什么效益，公开数据中作为 purpose 发布；可不填。"
    )
    # The point as stored and published: WGS84, the system OC4IDS (GeoJSON) asks for.
    longitude = _coordinate("经度（WGS84）", 180)
    latitude = _coordinate("纬度（WGS84）", 90)
    # The point as it was entered, and in which system, so that a conversion can be checked later.
    entered_system = models.CharField(
        "录入坐标系", max_length=10, choices=CoordinateSystem.choices, default=CoordinateSystem.WGS84
    )
    entered_longitude = _coordinate("录入经度", 180)
    entered_latitude = _coordinate("录入纬度", 90)
    # Optimistic locking: a save names the version its page was opened at (services.publications).
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = PublicationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="公开数据变更记录")

    class Meta:
        verbose_name = "公开数据设置"
        verbose_name_plural = "公开数据设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(longitude__isnull=True, latitude__isnull=True)
                | Q(longitude__isnull=False, latitude__isnull=False),
                name="publication_point_whole",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="publication_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="publication_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(entered_system__in=CoordinateSystem.values), name="publication_entered_system_valid"
            ),
        ]

    def __str__(self):
        return f"{self.project.name} · 公开数据"

    @property
    def has_point(self):
        return self.longitude is not None and self.latitude is not None

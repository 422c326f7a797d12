"""The user account: who a person is, which role they hold and which streets and units they serve."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    ADMIN = "admin", "项目办管理员"
    STAFF = "staff", "填报员"
    LEADER = "leader", "领导"


class User(AbstractUser):
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.STAFF)
    region = models.ForeignKey(
        "projects.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="所属项目办",
        help_text="管理员管理该行政区划及其下级的全部项目；填报员和领导填所在区县。",
    )
    streets = models.ManyToManyField("projects.Street", blank=True, related_name="staff_users", verbose_name="负责街道")
    units = models.ManyToManyField("projects.Unit", blank=True, related_name="staff_users", verbose_name="负责单位")
    # How the user hears of what needs them (dispatch's notifications), besides the inbox: chosen in
    # their profile; each channel is used only when the installation configures it.
    mobile = models.CharField("手机号", max_length=20, blank=True, help_text="群机器人消息中@本人时使用。")
    notify_by_email = models.BooleanField("邮件提醒", default=False)
    notify_by_dingtalk = models.BooleanField("钉钉群提醒", default=False)
    notify_by_wecom = models.BooleanField("企业微信群提醒", default=False)

    # Role and scope changes are audited; the password hash never enters the history table.
    history = HistoricalRecords(
        verbose_name="用户变更记录", excluded_fields=["password", "last_login"], m2m_fields=[streets, units]
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
        ]

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name}（{self.username}）" if full_name else self.username

"""Dispatch (调度、交办、提醒): meetings, the tasks they assign, and the notifications that tell people.

A meeting (调度会) belongs to a district and is chaired by a leader; each decision becomes a task
(交办事项) owned by a unit (a department or a street office) with a deadline. The owner replies, and
only the office closes it (销号) or sends it back (退回重办). Notifications are written to the
inbox (Notification) and, for each channel the user chose, to the outbox (OutboxMessage) in the
transaction of the event that causes them; send_notifications delivers the outbox."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.roles import is_leader, is_office_admin, is_staff_reporter
from dispatch.choices import Channel, DeliveryStatus, MeetingKind, NotificationKind, TaskSource, TaskStatus
from projects import clock
from projects.models import Leader, Problem, Project, TimestampedModel, Unit
from projects.models.organisation import district_key
from projects.scoping import managed_rows, visible_projects

MAX_DEADLINE_WORKDAYS = 250  # a task due more than a working year ahead is a typing error


def _served_units(user, path):
    """Rows owned by a unit (through ``path``) that a staff user serves: their own units, and the
    street offices of their streets."""
    return Q(**{f"{path}__in": user.units.values("pk")}) | Q(**{f"{path}__street__in": user.streets.values("pk")})


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The office's meetings; a leader's own (chaired) and those on their projects; a unit's or
        street's staff those they attended or were assigned a task at."""
        if is_office_admin(user):
            return self.filter(managed_rows(user, "district"))
        if is_leader(user):
            return self.filter(
                Q(chair__user=user) | Q(projects__in=Project.objects.filter(visible_projects(user)))
            ).distinct()
        if is_staff_reporter(user):
            return self.filter(_served_units(user, "attendees") | _served_units(user, "tasks__owner")).distinct()
        return self.none()

    def held_by(self, user):
        """Meetings the user may record and change: the office's; a leader's own."""
        if is_office_admin(user):
            return self.filter(managed_rows(user, "district"))
        if is_leader(user):
            return self.filter(chair__user=user)
        return self.none()


def minutes_path(instance, filename):
    return f"dispatch/minutes/{instance.date:%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Meeting(TimestampedModel):
    """A dispatch meeting (调度会): who chaired it, who attended, which projects it discussed."""

    district = district_key(related_name="meetings")
    date = models.DateField("会议日期")
    kind = models.CharField("会议类型", max_length=10, choices=MeetingKind.choices, default=MeetingKind.WEEKLY)
    title = models.CharField("会议名称", max_length=200)
    chair = models.ForeignKey(Leader, models.PROTECT, related_name="meetings", verbose_name="主持领导")
    attendees = models.ManyToManyField(Unit, blank=True, related_name="meetings", verbose_name="参会单位（含街道）")
    projects = models.ManyToManyField(Project, blank=True, related_name="meetings", verbose_name="调度项目")
    minutes = models.TextField("会议纪要", blank=True)
    minutes_file = models.FileField("纪要附件", upload_to=minutes_path, blank=True)
    minutes_file_name = models.CharField("纪要附件原名", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="记录人"
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="调度会议变更记录", m2m_fields=[attendees, projects])

    class Meta:
        verbose_name = "调度会议"
        verbose_name_plural = "调度会议"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="meeting_title_not_empty"),
        ]

    def __str__(self):
        return f"{self.date} {self.title}"

    def get_absolute_url(self):
        return reverse("dispatch:meeting_detail", args=[self.pk])


def task_overdue_condition(on=None):
    """The overdue rule of a task, the same as a problem's (projects.models.overdue_condition): a
    deadline before ``on`` (default: today) and not closed, unless the owner replied by the deadline
    and the reply only waits for the office."""
    replied_in_time = Q(status=TaskStatus.REPLIED, replied_on__lte=F("deadline"))
    return Q(deadline__lt=on or clock.today()) & ~Q(status=TaskStatus.CLOSED) & ~replied_in_time


def answered_on_time_condition():
    """Answered by the deadline: replied (已回复 or 已销号) on or before it — the rule of 交办事项按期办结率
    (scoring's task closure) and the task board's 是否按期办结 filter."""
    return Q(status__in=[TaskStatus.REPLIED, TaskStatus.CLOSED], replied_on__lte=F("deadline"))


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The office's tasks; a unit's or street's staff their own; a leader those on their
        projects, from meetings they chaired, or that they assigned."""
        if is_office_admin(user):
            return self.filter(managed_rows(user, "district"))
        if is_staff_reporter(user):
            return self.filter(_served_units(user, "owner"))
        if is_leader(user):
            return self.filter(
                Q(meeting__chair__user=user)
                | Q(assigned_by=user)
                | Q(projects__in=Project.objects.filter(visible_projects(user)))
            ).distinct()
        return self.none()

    def answerable_by(self, user):
        """Tasks the user may work on and reply to: the owner's staff."""
        if is_staff_reporter(user):
            return self.filter(_served_units(user, "owner"))
        return self.none()

    def closable_by(self, user):
        """Tasks the user may close (销号) or send back: the office's admins only."""
        if is_office_admin(user):
            return self.filter(managed_rows(user, "district"))
        return self.none()

    def overdue(self, on=None):
        return self.filter(task_overdue_condition(on))

    def with_overdue(self, on=None):
        return self.annotate(
            is_overdue=models.Case(
                models.When(task_overdue_condition(on), then=models.Value(True)), default=models.Value(False)
            )
        )


class Task(TimestampedModel):
    """An assigned task (交办事项): from a meeting, from a problem, or on its own."""

    district = district_key(related_name="tasks")
    source = models.CharField("来源", max_length=10, choices=TaskSource.choices, default=TaskSource.DIRECT)
    meeting = models.ForeignKey(
        Meeting, models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name="调度会议"
    )
    problem = models.ForeignKey(
        Problem, models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name="督办问题"
    )
    projects = models.ManyToManyField(Project, blank=True, related_name="tasks", verbose_name="相关项目")
    owner = models.ForeignKey(Unit, models.PROTECT, related_name="tasks", verbose_name="承办单位")
    content = models.TextField("交办内容")
    assigned_on = models.DateField("交办日期")
    deadline = models.DateField("办结期限")
    deadline_workdays = models.PositiveSmallIntegerField(
        "办理时限（工作日）", null=True, blank=True, help_text="按工作日计的时限；办结期限由交办日期推算。"
    )
    status = models.CharField("状态", max_length=12, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="交办人"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="销号人"
    )

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="交办事项变更记录", m2m_fields=[projects])

    class Meta:
        verbose_name = "交办事项"
        verbose_name_plural = "交办事项"
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="task_status_valid"),
            models.CheckConstraint(condition=Q(source__in=TaskSource.values), name="task_source_valid"),
            models.CheckConstraint(condition=~Q(content=""), name="task_content_not_empty"),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("assigned_on")), name="task_deadline_not_before_assigned"
            ),
            models.CheckConstraint(
                condition=~Q(source=TaskSource.MEETING) | Q(meeting__isnull=False),
                name="task_meeting_source_has_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(source=TaskSource.PROBLEM) | Q(problem__isnull=False),
                name="task_problem_source_has_problem",
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.CLOSED) | Q(closed_on__isnull=False), name="task_closed_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.REPLIED) | Q(replied_on__isnull=False), name="task_replied_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="task_status_deadline_idx")]

    def __str__(self):
        return f"{self.owner}：{self.content[:30]}"

    def get_absolute_url(self):
        return reverse("dispatch:task_detail", args=[self.pk])

    @property
    def overdue(self):
        """task_overdue_condition for one task in hand."""
        if hasattr(self, "is_overdue"):
            return self.is_overdue
        if self.deadline >= clock.today() or self.status == TaskStatus.CLOSED:
            return False
        return not (self.status == TaskStatus.REPLIED and self.replied_on and self.replied_on <= self.deadline)


class TaskStep(models.Model):
    """One move of a task through its states: who, when, and why (a 退回's reason)."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="steps", verbose_name="交办事项")
    from_status = models.CharField("原状态", max_length=12, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=TaskStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "交办事项办理步骤"
        verbose_name_plural = "交办事项办理步骤"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display() or '交办'} → {self.get_to_status_display()}"


class TaskReply(models.Model):
    """The owner's reply (办理情况) to a task."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="replies", verbose_name="交办事项")
    text = models.TextField("办理情况")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="回复人")
    at = models.DateTimeField("回复时间", default=timezone.now)

    class Meta:
        verbose_name = "交办事项回复"
        verbose_name_plural = "交办事项回复"
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="taskreply_text_not_empty")]

    def __str__(self):
        return self.text[:30]


def reply_attachment_path(instance, filename):
    return f"dispatch/replies/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class ReplyAttachment(models.Model):
    """A document sent with a reply (PDF, JPEG or PNG, checked by content)."""

    reply = models.ForeignKey(TaskReply, models.CASCADE, related_name="attachments", verbose_name="回复")
    file = models.FileField("附件", upload_to=reply_attachment_path)
    original_name = models.CharField("原文件名", max_length=255)

    class Meta:
        verbose_name = "回复附件"
        verbose_name_plural = "回复附件"
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class Notification(models.Model):
    """One message in a user's inbox. ``key`` names what a reminder is about (e.g.
    "task:12:due:2015-10-22"), so that planning reminders twice writes nothing new; events leave it empty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    kind = models.CharField("类型", max_length=20, choices=NotificationKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    key = models.CharField("提醒标识", max_length=120, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"),
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_unique_key_per_user"
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read_idx")]

    def __str__(self):
        return self.title


class OutboxMessage(models.Model):
    """A notification waiting to leave (or gone) through one outbound channel. An email is one
    person's; a group robot's post is one per event, on the first recipient's notification, naming
    every recipient who chose that robot (``addressees``) and @-ing their mobiles (``mentions``)."""

    notification = models.ForeignKey(Notification, models.CASCADE, related_name="deliveries", verbose_name="消息")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    status = models.CharField("状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", default=timezone.now)
    last_error = models.TextField("最近失败原因", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    addressees = models.TextField("接收人", blank=True, help_text="群机器人消息：所有接收人的姓名，以“、”分隔。")
    mentions = models.TextField("@的手机号", blank=True, help_text="群机器人消息：接收人的手机号，以英文逗号分隔。")

    class Meta:
        verbose_name = "待发消息"
        verbose_name_plural = "消息发送队列"
        ordering = ["next_attempt_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="outbox_channel_valid"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="outbox_status_valid"),
            models.UniqueConstraint(fields=["notification", "channel"], name="outbox_unique_channel_per_notification"),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False), name="outbox_sent_has_time"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.notification}"

    def robot_recipients(self):
        """(names, mobiles) a group robot's post is for; (None, None) for a row that names no one
        (written before posts were shared): the sender then addresses its notification's user."""
        if not self.addressees:
            return None, None
        return self.addressees.split("、"), [mobile for mobile in self.mentions.split(",") if mobile]

"""The vocabularies of dispatch, with their Chinese labels."""

from django.db import models


class MeetingKind(models.TextChoices):
    WEEKLY = "weekly", "周调度"
    MONTHLY = "monthly", "月调度"
    TOPIC = "topic", "专题调度"
    SITE = "site", "现场观摩"


class TaskStatus(models.TextChoices):
    """交办 → 办理中 → 已回复 → 已销号; the office may send a reply back (退回重办)."""

    ASSIGNED = "assigned", "交办"
    IN_PROGRESS = "in_progress", "办理中"
    REPLIED = "replied", "已回复"
    CLOSED = "closed", "已销号"
    RETURNED = "returned", "退回重办"


# The owner still has to act on these.
OWNER_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)


class TaskSource(models.TextChoices):
    MEETING = "meeting", "调度会议"
    PROBLEM = "problem", "问题督办"
    DIRECT = "direct", "直接交办"


class NotificationKind(models.TextChoices):
    REPORT_RETURNED = "report_returned", "填报被退回"
    INSTRUCTION = "instruction", "督办意见"
    TASK_ASSIGNED = "task_assigned", "新交办事项"
    TASK_REPLIED = "task_replied", "交办事项已回复"
    TASK_RETURNED = "task_returned", "交办事项退回重办"
    TASK_CLOSED = "task_closed", "交办事项已销号"
    PROBLEM_SOLVED = "problem_solved", "问题待销号"
    PROBLEM_SENT_BACK = "problem_sent_back", "问题销号被退回"
    PROBLEM_CONFIRMED = "problem_confirmed", "问题已销号"
    PROBLEM_DUE = "problem_due", "问题即将到期"
    PROBLEM_OVERDUE = "problem_overdue", "问题已超期"
    TASK_DUE = "task_due", "交办事项即将到期"
    TASK_OVERDUE = "task_overdue", "交办事项已超期"
    REPORT_DUE = "report_due", "报送截止提醒"
    REPORT_CHASED = "report_chased", "催报"
    APPROVAL_RED = "approval_red", "前期手续超期"


class Channel(models.TextChoices):
    EMAIL = "email", "邮件"
    DINGTALK = "dingtalk", "钉钉群机器人"
    WECOM = "wecom", "企业微信群机器人"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"

"""The approvals domain's vocabularies with their Chinese labels."""

from django.db import models


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"
    NOT_NEEDED = "not_needed", "不需办理"


# The statuses of an item still to be done: only these can be late.
OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS)


class ItemLight(models.TextChoices):
    """An item's warning: how near or past its time limit an open item stands."""

    RED = "red", "已超期"
    YELLOW = "yellow", "临期"
    GREEN = "green", "正常"
    NONE = "none", "无期限"  # done, not needed, or no date to measure against


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", "财政资金"
    SPECIAL_BOND = "special_bond", "专项债"
    CENTRAL_BUDGET = "central_budget", "中央预算内"
    BANK_LOAN = "bank_loan", "银行贷款"
    SELF_RAISED = "self_raised", "自筹"
    OTHER = "other", "其他"

"""Errors the write services raise, each carrying a message fit to show the user."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "ValidationError", "ReportConflict", "NeedsConfirmation"]


class ReportConflict(Exception):
    """Someone else saved the report since it was opened; ``current`` is what they saved."""

    def __init__(self, current):
        self.current = current
        who = current.reported_by.get_full_name() or current.reported_by.username if current.reported_by else "其他人"
        super().__init__(f"保存失败：该填报已被{who}修改并保存，您的修改未写入。请核对对方保存的内容后重新提交。")


class NeedsConfirmation(Exception):
    """Legal but suspicious values: the user must confirm them before they are saved."""

    def __init__(self, warnings):
        self.warnings = warnings
        super().__init__("；".join(warnings))

"""App configuration of the accounts app."""

from django.apps import AppConfig, apps
from django.utils import formats, timezone


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from accounts import checks  # noqa: F401  (registers the system checks)

        name_login_records()
        name_link_tables()


def when(moment):
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def name_login_records():
    """django-axes' app and records as the admin shows them. Its field and model names are
    gettext strings that locale/ translates; its app name and the records' text are plain English."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    apps.get_app_config("axes").verbose_name = "登录安全"
    AccessAttempt.__str__ = lambda record: f"{record.username} 的登录失败（最近一次 {when(record.attempt_time)}）"
    AccessLog.__str__ = lambda record: f"{record.username} 的登录（{when(record.attempt_time)}）"
    AccessFailureLog.__str__ = lambda record: f"{record.username} 的登录失败（{when(record.attempt_time)}）"


def name_link_tables():
    """The tables Django makes for many-to-many fields appear on the admin's delete pages as
    "User_streets object (1)" under "User-street关系": name them after their field instead."""
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            link = field.remote_field.through
            if not link._meta.auto_created:
                continue
            name = f"{model._meta.verbose_name}的{field.verbose_name}"
            link._meta.verbose_name = link._meta.verbose_name_plural = name
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            link.__str__ = lambda row, source=source, target=target: f"{getattr(row, source)} — {getattr(row, target)}"

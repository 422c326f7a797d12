"""App configuration of the accounts app."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from accounts import checks  # noqa: F401  (registers the system checks)

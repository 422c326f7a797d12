from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    """通报: the monthly bulletin drafted from the overview's figures, issued and archived."""

    name = "bulletins"
    verbose_name = "进展情况通报"
    default_auto_field = "django.db.models.BigAutoField"

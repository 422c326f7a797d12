"""App configuration of the projects app."""

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = "重点项目"

    def ready(self):
        from projects import signals  # noqa: F401  (connects the receivers)
        from projects.freshness import watch_models

        watch_models()

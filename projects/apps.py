"""App configuration of the projects app."""

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = "重点项目"

    def ready(self):
        from django.core.signals import request_finished
        from django.db.backends.signals import connection_created

        from projects import signals  # noqa: F401  (connects the receivers)
        from projects.freshness import renew_due_tokens, watch

        connection_created.connect(watch, dispatch_uid="projects.freshness.watch")
        # Before Django's own receiver closes the connections at the end of a request.
        request_finished.connect(renew_due_tokens, dispatch_uid="projects.freshness.renew")

from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    """前期手续、要素保障: each project's approvals (联审联批) by owning department against working-day
    time limits, its land and funding, and its place in the fixed-asset statistics (入统)."""

    name = "approvals"
    verbose_name = "前期手续与要素保障"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The sections approvals adds to the project page and the overview (projects.extensions),
        # and the deadlines kept in step with the office's calendar.
        from approvals import panels, signals  # noqa: F401
        from approvals.devdata import load_approvals_demo
        from projects.extensions import demo_loader
        from projects.freshness import watch_models

        watch_models("approvals")
        # The approvals part of the 2015 demo, at the end of projects' demo load.
        demo_loader(load_approvals_demo)

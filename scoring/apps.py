from django.apps import AppConfig


class ScoringConfig(AppConfig):
    """考核: the district's streets and units scored every month, quarter and year by the office's own
    rules (a scheme of weighted criteria over figures the application already computes)."""

    name = "scoring"
    verbose_name = "考核"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from projects.extensions import demo_loader
        from projects.freshness import watch_models
        from scoring.devdata import load_scoring_demo

        watch_models("scoring")
        # The scoring part of the 2015 demo, after approvals' and dispatch's (it scores their data).
        demo_loader(load_scoring_demo)

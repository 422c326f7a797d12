from django.apps import AppConfig


class DispatchConfig(AppConfig):
    """调度、交办、提醒: dispatch meetings, the tasks they assign (交办事项) until the office closes
    them (销号), and the notifications (inbox, email, group robots) that nobody misses a deadline by."""

    name = "dispatch"
    verbose_name = "调度与交办"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What dispatch adds to the project page (projects.extensions), what it hears from projects'
        # services (projects.events), and its part of the demo.
        from dispatch import panels, receivers  # noqa: F401
        from dispatch.devdata import load_dispatch_demo
        from projects.extensions import demo_loader
        from projects.freshness import watch_models

        # Meetings and tasks may be shown beside figures; the inbox and the outbox are read by no
        # figure and written every minute (send_notifications): they leave the cache alone.
        watch_models("dispatch", exclude=("Notification", "OutboxMessage"))
        demo_loader(load_dispatch_demo)

from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """公开数据: which projects an office publishes (可公开) and where they are (a WGS84 point), and the
    year's key-project list as an OC4IDS project package (docs/oc4ids.md)."""

    name = "opendata"
    verbose_name = "公开数据"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The project page's 公开数据 section (projects.extensions) and the demo's 可公开 marks.
        from opendata import panels  # noqa: F401
        from opendata.devdata import load_opendata_demo
        from projects.extensions import demo_loader

        demo_loader(load_opendata_demo)

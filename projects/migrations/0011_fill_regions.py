from django.db import migrations


def fill(apps, schema_editor):
    """Everything an installation had belonged to its one district: give each row that district
    (a project, unit or leader already tied to a street takes the street's district)."""
    Region = apps.get_model("projects", "Region")
    Project = apps.get_model("projects", "Project")
    Unit = apps.get_model("projects", "Unit")
    Leader = apps.get_model("projects", "Leader")
    ClosedMonth = apps.get_model("projects", "ClosedMonth")
    ImportRecord = apps.get_model("projects", "ImportRecord")
    User = apps.get_model("accounts", "User")
    has_rows = any(model.objects.exists() for model in (Project, Unit, Leader, ClosedMonth, User))
    district = Region.objects.order_by("code").first()
    if district is None:
        if not has_rows:
            return
        district = Region.objects.create(code="000000", name="本区", kind="district")
    for model in (Project, Unit):
        for row in model.objects.filter(district__isnull=True).select_related("street"):
            row.district_id = row.street.district_id if row.street_id else district.pk
            row.save(update_fields=["district"])
    Leader.objects.filter(region__isnull=True).update(region=district)
    ClosedMonth.objects.filter(district__isnull=True).update(district=district)
    ImportRecord.objects.filter(region__isnull=True).update(region=district)
    for user in User.objects.filter(region__isnull=True, is_superuser=False):
        street = user.streets.order_by("pk").first()
        user.region_id = street.district_id if street else district.pk
        user.save(update_fields=["region"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_region_fields"),
        ("accounts", "0004_region_fields"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

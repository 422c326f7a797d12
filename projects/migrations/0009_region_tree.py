from django.db import migrations


class Migration(migrations.Migration):
    """The district becomes a node of the administrative tree (province → city → district)."""

    dependencies = [
        ("projects", "0008_import_refused_file"),
        ("accounts", "0003_historicaluser_historicaluser_streets_and_more"),
    ]

    operations = [
        migrations.RenameModel("District", "Region"),
    ]

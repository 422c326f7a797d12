# A refused upload keeps its errors (in the summary) but not its file; the files of refused
# uploads kept before are deleted here.

from django.db import migrations, models

import projects.models


def forget_refused_files(apps, schema_editor):
    """Delete the stored file of every refused import and clear the field; a file the storage cannot
    delete (already gone, storage unreachable) is left behind rather than failing the migration."""
    ImportRecord = apps.get_model("projects", "ImportRecord")
    refused = ImportRecord.objects.using(schema_editor.connection.alias).filter(status="refused").exclude(file="")
    for record in refused.only("pk", "file").iterator():
        try:
            record.file.storage.delete(record.file.name)
        except Exception:  # noqa: BLE001 - any storage error: the record is cleared all the same
            pass
    refused.update(file="")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_data_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importrecord",
            name="file",
            field=models.FileField(blank=True, upload_to=projects.models.import_upload_to, verbose_name="文件"),
        ),
        migrations.RunPython(forget_refused_files, migrations.RunPython.noop),
    ]

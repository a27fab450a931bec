# A job records the import of its file (DownloadJob.import_item) instead of the import pointing
# at the job (ImportItem.download_job, removed in metadata 0002): the importer knows nothing of
# downloads. Each job keeps its newest import record.

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    ImportItem = apps.get_model("metadata", "ImportItem")
    DownloadJob = apps.get_model("downloads", "DownloadJob")
    newest = {}
    for item_id, job_id in (
        ImportItem.objects.filter(download_job__isnull=False)
        .order_by("pk")
        .values_list("pk", "download_job_id")
    ):
        newest[job_id] = item_id
    for job_id, item_id in newest.items():
        DownloadJob.objects.filter(pk=job_id).update(import_item_id=item_id)


class Migration(migrations.Migration):
    dependencies = [
        ("downloads", "0005_quality_profile_state_to_library"),
        ("metadata", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="downloadjob",
            name="import_item",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="metadata.importitem",
            ),
        ),
        migrations.RunPython(copy_links, migrations.RunPython.noop),
    ]

# "One live job per track" becomes a database constraint. Extra live jobs a race created before
# (the older one wins) are cancelled first, with the reason on them.

from django.db import migrations, models

LIVE = ["queued", "searching", "downloading", "importing", "paused"]


def cancel_duplicate_live_jobs(apps, schema_editor):
    DownloadJob = apps.get_model("downloads", "DownloadJob")
    seen = set()
    live = DownloadJob.objects.filter(track__isnull=False, status__in=LIVE).order_by("pk")
    for job_id, track_id in live.values_list("pk", "track_id"):
        if track_id in seen:
            DownloadJob.objects.filter(pk=job_id).update(
                status="cancelled", status_reason="another job was already downloading this track"
            )
        seen.add(track_id)


class Migration(migrations.Migration):
    dependencies = [
        ("downloads", "0006_job_import_item"),
    ]

    operations = [
        migrations.RunPython(cancel_duplicate_live_jobs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="downloadjob",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("status__in", ["queued", "searching", "downloading", "importing", "paused"]),
                    ("track__isnull", False),
                ),
                fields=("track",),
                name="downloads_one_live_job_per_track",
            ),
        ),
    ]

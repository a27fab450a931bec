# The job now points at its import (downloads 0006 copied the links first).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("metadata", "0001_initial"),
        ("downloads", "0006_job_import_item"),
    ]

    operations = [
        migrations.RemoveField(model_name="importitem", name="download_job"),
    ]

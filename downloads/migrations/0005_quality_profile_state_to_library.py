# QualityProfile moves to the library app (step 3 of 3): jobs point at library.QualityProfile
# and the old model state is dropped. The table and its rows are untouched.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("downloads", "0004_quality_profile_table_to_library"),
        ("library", "0004_quality_profile"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="downloadjob",
                    name="quality_profile",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="library.qualityprofile",
                    ),
                ),
                migrations.DeleteModel(name="QualityProfile"),
            ],
            database_operations=[],
        ),
    ]

# QualityProfile moves here from downloads (step 2 of 3): the table already has its new name,
# so only Django's model state is created; then "one default profile" becomes a constraint.

import django.db.models
import library.quality
from django.db import migrations, models


def keep_one_default(apps, schema_editor):
    QualityProfile = apps.get_model("library", "QualityProfile")
    defaults = list(QualityProfile.objects.filter(is_default=True).order_by("pk"))
    for extra in defaults[1:]:
        QualityProfile.objects.filter(pk=extra.pk).update(is_default=False)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0003_names_without_nul"),
        ("downloads", "0004_quality_profile_table_to_library"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="QualityProfile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("ladder", models.JSONField(default=library.quality.default_ladder)),
                        ("cutoff", models.CharField(default="flac", max_length=20)),
                        ("is_default", models.BooleanField(default=False)),
                    ],
                    options={"ordering": ["-is_default", "name"]},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(keep_one_default, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="qualityprofile",
            constraint=models.UniqueConstraint(
                condition=django.db.models.Q(("is_default", True)),
                fields=("is_default",),
                name="library_one_default_quality_profile",
            ),
        ),
    ]

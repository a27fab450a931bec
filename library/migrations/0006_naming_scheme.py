# NamingScheme moves to this app from the metadata app (step 2 of 3): the table already has its
# new name, so only Django's model state is created.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0005_want_state_and_history"),
        ("metadata", "0003_naming_scheme_table_to_library"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NamingScheme",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "standard",
                            models.CharField(
                                default="{Artist Name}/{Album Title}{ (Release Year)}/{track:00} - {Track Title}",
                                max_length=1000,
                            ),
                        ),
                        (
                            "multi_disc",
                            models.CharField(
                                default="{Artist Name}/{Album Title}{ (Release Year)}/{medium:00}-{track:00} - {Track Title}",
                                max_length=1000,
                                verbose_name="multi-disc albums",
                            ),
                        ),
                        (
                            "various_artists",
                            models.CharField(
                                default="{Artist Name}/{Album Title}{ (Release Year)}/{track:00} - {Track ArtistName} - {Track Title}",
                                max_length=1000,
                                verbose_name="various-artists albums",
                            ),
                        ),
                        (
                            "various_artists_multi_disc",
                            models.CharField(
                                default="{Artist Name}/{Album Title}{ (Release Year)}/{medium:00}-{track:00} - {Track ArtistName} - {Track Title}",
                                max_length=1000,
                                verbose_name="multi-disc various-artists albums",
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name": "naming scheme",
                        "verbose_name_plural": "naming scheme",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

# NamingScheme moves to the library app (step 3 of 3): the old model state is dropped.
# The table and its row are untouched.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("metadata", "0003_naming_scheme_table_to_library"),
        ("library", "0006_naming_scheme"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="NamingScheme")],
            database_operations=[],
        ),
    ]

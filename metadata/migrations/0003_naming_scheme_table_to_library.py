# NamingScheme moves to the library app (the library owns naming).
# Step 1 of 3: the table takes the library app's name; the model state moves in library 0006.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("metadata", "0002_import_item_without_job"),
    ]

    operations = [
        migrations.AlterModelTable(name="namingscheme", table="library_namingscheme"),
    ]

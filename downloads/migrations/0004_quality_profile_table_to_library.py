# QualityProfile moves to the library app (the quality vocabulary belongs to the library).
# Step 1 of 3: the table takes the library app's name; the model state moves in library 0004.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("downloads", "0003_manual_search"),
    ]

    operations = [
        migrations.AlterModelTable(name="qualityprofile", table="library_qualityprofile"),
    ]

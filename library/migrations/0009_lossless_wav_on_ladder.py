"""Put WAV/AIFF on the default quality ladder as lossless.

Before this, "wav" was on no ladder, so the duplicates keeper and the importer ranked a WAV or
AIFF below every allowed lossy quality and threw lossless files away for Ogg/MP3 copies.

Only profiles that still hold the untouched previous default ladder are moved to the new default
(hi-res WAV beside hi-res FLAC, CD WAV with FLAC/ALAC, below-CD PCM last); when their cutoff is
still the previous default "flac" it becomes "wav" so that CD-quality WAV/ALAC rips meet it. A
ladder the user customised is theirs: it is left exactly as it is (they can add the new keys).
The lists are written out here, not imported, so this migration means the same thing forever.
"""

from django.db import migrations, models

_LOSSY = [
    "mp3_320",
    "mp3_v0",
    "aac_256",
    "opus_160",
    "ogg_256",
    "mp3_256",
    "aac_192",
    "mp3_192",
    "opus",
    "ogg",
    "aac",
    "mp3_unknown",
]
OLD_LADDER = ["flac_24", "flac", "alac", *_LOSSY]
NEW_LADDER = ["flac_24", "wav_24", "flac", "alac", "wav", *_LOSSY, "wav_low"]


def _move(apps, old_ladder, new_ladder, old_cutoff, new_cutoff) -> None:
    QualityProfile = apps.get_model("library", "QualityProfile")
    for profile in QualityProfile.objects.all():
        if profile.ladder != old_ladder:
            continue
        profile.ladder = list(new_ladder)
        if profile.cutoff == old_cutoff:
            profile.cutoff = new_cutoff
        profile.save(update_fields=["ladder", "cutoff"])


def forwards(apps, schema_editor) -> None:
    _move(apps, OLD_LADDER, NEW_LADDER, "flac", "wav")


def backwards(apps, schema_editor) -> None:
    _move(apps, NEW_LADDER, OLD_LADDER, "wav", "flac")


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0008_scan_problem_symlink_outside"),
    ]

    operations = [
        migrations.AlterField(
            model_name="qualityprofile",
            name="cutoff",
            field=models.CharField(default="wav", max_length=20),
        ),
        migrations.RunPython(forwards, backwards),
    ]

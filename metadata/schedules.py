from soulspot.lib.schedules import Every

SCHEDULES = [
    # Album completeness asks MusicBrainz politely: a few minutes of checks every hour.
    Every(name="metadata-completeness", func="metadata.tasks.check_due_albums", minutes=60),
    Every(name="fill-metadata-gaps", func="metadata.tasks.fill_metadata_gaps", minutes=15),
    Every(name="resume-imports", func="metadata.tasks.resume_imports", minutes=10),
]

from soulspot.lib.schedules import Every

SCHEDULES = [
    Every(name="fill-metadata-gaps", func="metadata.tasks.fill_metadata_gaps", minutes=15),
    Every(name="resume-imports", func="metadata.tasks.resume_imports", minutes=10),
]

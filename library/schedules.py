from soulspot.lib.schedules import Every

SCHEDULES = [
    # A scan whose worker died (or whose task timed out) continues within a minute or two.
    Every(name="library-resume-scans", func="library.tasks.resume_interrupted_scans", minutes=1),
    # New files dropped into the music folder by hand are found without anyone asking.
    Every(name="library-scan", func="library.tasks.scheduled_scan", minutes=360),
    # Re-tags that failed (a file locked, a share offline) are tried again when due.
    Every(name="library-retag", func="library.tasks.retag_due", minutes=5),
]

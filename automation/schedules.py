from soulspot.lib.schedules import Every

SCHEDULES = [
    # Cheap when nothing is due: it reads one row. The sync interval itself is the user's
    # setting (every 6 hours by default), checked here.
    Every(name="spotify-sync", func="automation.tasks.spotify_tick", minutes=1),
    # ISRCs of new wants → MusicBrainz recordings, at MusicBrainz's pace.
    Every(name="resolve-recordings", func="automation.tasks.resolve_recordings", minutes=5),
]

SCHEDULES += [
    # New history and automation events → one notification task per target that wants them.
    Every(name="notify", func="automation.tasks.dispatch_notifications", minutes=1),
    Every(name="library-problems", func="automation.tasks.check_library_problems", minutes=10),
]

# Watched artists due for a release check (each every 12 hours, spread), and releases that
# reached their date. Cheap when nothing is due: one query.
SCHEDULES.append(
    Every(name="watch-checks", func="automation.tasks.check_watched_artists", minutes=1)
)

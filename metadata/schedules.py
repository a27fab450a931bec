from soulspot.lib.schedules import Every

SCHEDULES = [
    # Album completeness asks MusicBrainz politely: a few minutes of checks every hour.
    Every(name="metadata-completeness", func="metadata.tasks.check_due_albums", minutes=60),
    Every(name="fill-metadata-gaps", func="metadata.tasks.fill_metadata_gaps", minutes=15),
    # A folder import whose worker died continues within a minute (see adopt.is_abandoned).
    Every(name="resume-imports", func="metadata.tasks.resume_imports", minutes=1),
    # What crashes and a full disk leave behind; `serve` also runs it at start.
    Every(name="clean-leftovers", func="metadata.tasks.clean_leftovers", minutes=30),
    # An expired provider answer lingers until the same request comes again: prune daily.
    Every(name="prune-provider-cache", func="metadata.tasks.prune_provider_cache", minutes=24 * 60),
]
# Daily: what MusicBrainz said longest ago (MetadataSettings.refresh_after_days; 0 = never).
SCHEDULES.append(
    Every(name="refresh-metadata", func="metadata.tasks.refresh_due_metadata", minutes=24 * 60)
)
# Daily: Last.fm genres for owned tracks without them (only with LASTFM_API_KEY set).
SCHEDULES.append(
    Every(name="fill-genres", func="metadata.tasks.fill_missing_genres", minutes=24 * 60)
)

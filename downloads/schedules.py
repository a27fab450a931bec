from django.conf import settings

from soulspot.lib.schedules import Every

# A watchdog: the pump normally re-enqueues itself while work remains; this restarts it after a
# worker crash or restart.
SCHEDULES = [
    Every(name="download-engine", func="downloads.tasks.pump_engine", minutes=1),
    # An import whose worker died on this host is taken over within a minute; one whose runner
    # cannot be checked (another host) after it has been quiet for handoff.STALE_AFTER.
    Every(
        name="take-over-download-imports", func="downloads.tasks.take_over_dead_handoffs", minutes=1
    ),
    Every(name="resume-download-imports", func="downloads.tasks.resume_handoffs", minutes=10),
]

# Scheduled searches of the wanted lists. Each run queues only what the search budget has left,
# so they run about once per budget window and work through a long list window by window;
# SOULSPOT_SEARCH_MISSING_HOURS / _CUTOFF_HOURS say how often one track is searched (0: off).
_SEARCH_TICK_MINUTES = max(1, -(-settings.SLSKD_SEARCH_WINDOW_SECONDS // 60))
if settings.SEARCH_MISSING_HOURS:
    SCHEDULES.append(
        Every(
            name="search-missing",
            func="downloads.tasks.search_missing_on_schedule",
            minutes=_SEARCH_TICK_MINUTES,
        )
    )
if settings.SEARCH_CUTOFF_HOURS:
    SCHEDULES.append(
        Every(
            name="search-cutoff-unmet",
            func="downloads.tasks.search_cutoff_unmet_on_schedule",
            minutes=_SEARCH_TICK_MINUTES,
        )
    )

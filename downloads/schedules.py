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

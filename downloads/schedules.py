from soulspot.lib.schedules import Every

# A watchdog: the pump normally re-enqueues itself while work remains; this restarts it after a
# worker crash or restart.
SCHEDULES = [
    Every(name="download-engine", func="downloads.tasks.pump_engine", minutes=1),
    Every(name="resume-download-imports", func="downloads.tasks.resume_handoffs", minutes=10),
]

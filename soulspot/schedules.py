from soulspot.lib.schedules import Every

SCHEDULES = [
    Every(name="heartbeat", func="soulspot.tasks.heartbeat", minutes=1),
    Every(name="backup", func="soulspot.tasks.backup_now", minutes=24 * 60),
]

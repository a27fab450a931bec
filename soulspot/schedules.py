from soulspot.lib.schedules import Every

SCHEDULES = [Every(name="heartbeat", func="soulspot.tasks.heartbeat", minutes=1)]

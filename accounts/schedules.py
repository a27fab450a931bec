from soulspot.lib.schedules import Every

SCHEDULES = [
    # Audit entries older than SOULSPOT_AUDIT_RETENTION_DAYS go once a day.
    Every(name="accounts-prune-audit", func="accounts.tasks.prune_audit", minutes=24 * 60),
]

"""Notifications through Apprise: targets (encrypted URLs and their chosen events), the
dispatcher that turns new history and automation events into deliveries, the sender (one task
per delivery, with retries), and the library-problem check."""

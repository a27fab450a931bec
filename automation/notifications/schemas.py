"""Request and response shapes of the notifications API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from soulspot.lib.schemas import NoNul, Text

# Apprise URLs are short, but some (mail with several recipients and options) pass 500.
MAX_URL = 2000
AppriseUrl = Annotated[str, Field(min_length=1, max_length=MAX_URL), NoNul]
EventName = Literal[
    "want_grabbed",
    "imported",
    "failed",
    "new_release",
    "release_wanted",
    "upgraded",
    "library_problem",
]
# At most each event once; repeats are harmless and dropped.
Events = Annotated[list[EventName], Field(max_length=20)]


class NotificationIn(Schema):
    url: AppriseUrl = Field(
        description="An Apprise URL (json://host/path, ntfy://topic, discord://id/token...). "
        "Write-only: it is stored encrypted and answered masked."
    )
    events: Events | None = Field(None, description="The events to send; default: all of them.")
    enabled: bool = True
    name: Text = ""


class NotificationPatch(Schema):
    url: AppriseUrl | None = None
    events: Events | None = None
    enabled: bool | None = None
    name: Text | None = None


class NotificationOut(Schema):
    id: int
    name: str
    url: str = Field(
        alias="masked", description="The URL masked: its scheme and a hint of its host."
    )
    events: list[str]
    enabled: bool
    from_environment: bool = Field(description="Added from SOULSPOT_NOTIFY_URLS.")
    created_at: datetime
    last_attempt_at: datetime | None
    last_sent_at: datetime | None
    last_error: str
    last_result: str


class TestOut(Schema):
    delivery_id: int
    state: str

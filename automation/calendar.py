"""The release calendar: watched artists' release groups around today, and its iCal feed.

Each release group on it has one state: `owned` (its album is in the library with every track
owned), `wanted` (an album want was made), `upcoming` (first released after today) or
`released`. The iCal text is written by hand (RFC 5545: CRLF line ends, escaped text, lines
folded at 75 octets): a dozen lines do not justify a dependency.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from automation.models import CalendarToken, ReleaseGroup
from library.models import Track
from soulspot.lib.errors import SoulSpotError

DAYS_BEFORE = 30
DAYS_AFTER = 90
MAX_DAYS = 400
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class CalendarError(SoulSpotError):
    http_status = 400


@dataclass(frozen=True)
class Window:
    start: date
    end: date


def calendar_window(start: date | None = None, end: date | None = None) -> Window:
    """The days asked for: 30 days back to 90 ahead unless given; at most 400 days long."""
    span = timedelta(days=DAYS_BEFORE + DAYS_AFTER)
    if start is None and end is None:
        start = timezone.localdate() - timedelta(days=DAYS_BEFORE)
    start = start or end - span
    end = end or start + span
    if end < start:
        raise CalendarError("end is before start.")
    if (end - start).days > MAX_DAYS:
        raise CalendarError(f"The calendar shows at most {MAX_DAYS} days at once.")
    return Window(start, end)


def calendar_release_groups(window: Window) -> models.QuerySet[ReleaseGroup]:
    """The watched artists' release groups dated inside the window, oldest first, with their
    artist and the owned/total track counts of their album."""
    owned = models.Count("album__tracks", filter=models.Q(album__tracks__status=Track.Status.OWNED))
    return (
        ReleaseGroup.objects.filter(release_date__range=(window.start, window.end))
        .select_related("watch__artist")
        .annotate(album_tracks=models.Count("album__tracks"), owned_tracks=owned)
        .order_by("release_date", "watch__artist__name", "title", "pk")
    )


def calendar_state(group: ReleaseGroup, today: date) -> str:
    """owned, wanted, upcoming or released (see the module's docstring)."""
    album_owned = group.album_tracks and group.owned_tracks == group.album_tracks
    if group.state == ReleaseGroup.State.OWNED or album_owned:
        return "owned"
    if group.state == ReleaseGroup.State.WANTED:
        return "wanted"
    return "upcoming" if group.release_date > today else "released"


def type_label(group: ReleaseGroup) -> str:
    return ", ".join([group.primary_type or "release", *group.secondary_types])


# --- the feed's token -------------------------------------------------------------------------


def calendar_token_for(user: object) -> CalendarToken:
    """The user's feed token, made on first use."""
    token, _ = CalendarToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def rotate_calendar_token(user: object) -> CalendarToken:
    """A new feed token for the user: the old URL stops working at once."""
    token = calendar_token_for(user)
    token.token = secrets.token_urlsafe(32)
    token.created_at = timezone.now()
    token.save(update_fields=["token", "created_at"])
    return token


def user_of_token(value: str) -> object | None:
    """The active user whose feed token this is, or None."""
    # Tokens are URL-safe base64: anything else (a NUL byte PostgreSQL would refuse) is no one's.
    if not TOKEN_SHAPE.fullmatch(value):
        return None
    found = CalendarToken.objects.select_related("user").filter(token=value).first()
    return found.user if found and found.user.is_active else None


# --- iCal ------------------------------------------------------------------------------------


def ical_feed(groups: Iterable[ReleaseGroup], now: datetime | None = None) -> str:
    """An RFC 5545 calendar of one all-day event per release group (UID `<mbid>@soulspot`)."""
    stamp = (now or timezone.now()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//SoulSpot//Release calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:SoulSpot releases",
    ]
    seen: set[str] = set()
    for group in groups:
        # A release group credited to two watched artists is one event, not two same UIDs.
        if group.musicbrainz_id not in seen:
            seen.add(group.musicbrainz_id)
            lines.extend(_event(group, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event(group: ReleaseGroup, stamp: str) -> list[str]:
    day = group.release_date
    summary = f"{group.watch.artist.name} – {group.title} ({type_label(group)})"
    return [
        "BEGIN:VEVENT",
        f"UID:{group.musicbrainz_id}@soulspot",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(_description(group))}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _description(group: ReleaseGroup) -> str:
    state = group.get_state_display()
    why = f": {group.reason}" if group.reason else ""
    return f"{state}{why}\nhttps://musicbrainz.org/release-group/{group.musicbrainz_id}"


def escape_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newlines escaped; other controls gone."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(c for c in value if c >= " " or c == "\t")


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line into lines of at most `limit` octets, never inside a character."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        room = limit if not parts else limit - 1  # continuation lines start with a space
        if size + width > room:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)

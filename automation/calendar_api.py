"""The release calendar over REST (mounted at /api/calendar): `GET /api/calendar` (a page of
release groups) and `GET /api/calendar.ics` (the iCal feed for phone calendars).

The feed cannot send an API key header, so it is authenticated by the user's calendar token in
the URL; a wrong or missing token answers 404, like a feed that does not exist.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from datetime import date

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from automation import calendar
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import errors

router = Router(tags=["calendar"])
# NinjaAPI joins a router's prefix and an operation's path with "/": the feed's dotted path is
# a router of its own, mounted at "/calendar.ics".
ics_router = Router(tags=["calendar"])


class CalendarQuery(Schema):
    start: date | None = None
    end: date | None = None


class CalendarEntryOut(Schema):
    id: int
    musicbrainz_id: str
    artist_id: int
    artist: str
    title: str
    primary_type: str
    secondary_types: list[str]
    release_date: date
    first_release_date: str
    state: str
    release_group_state: str
    reason: str
    album_id: int | None
    owned_tracks: int
    album_tracks: int


@router.get("", response={200: list[CalendarEntryOut], **errors(400)}, summary="Release calendar")
@paginate(Page)
def calendar_entries(request: HttpRequest, window: Query[CalendarQuery]) -> list[dict]:
    """Watched artists' release groups from `start` to `end` (ISO dates; default 30 days ago to
    90 days ahead, at most 400 days), oldest first, each `owned`, `wanted`, `upcoming` or
    `released` (`state`); `release_group_state` is the watch's own record of it."""
    groups = calendar.calendar_release_groups(calendar.calendar_window(window.start, window.end))
    return _Entries(groups)


class _Entries:
    """The queryset, turned into entries only for the page the paginator slices."""

    def __init__(self, groups: QuerySet) -> None:
        self.groups = groups
        self.today = timezone.localdate()

    def __len__(self) -> int:
        return self.groups.count()

    def __getitem__(self, page: slice) -> list[dict]:
        return [_entry(group, self.today) for group in self.groups[page]]


def _entry(group: object, today: date) -> dict:
    return {
        "id": group.pk,
        "musicbrainz_id": group.musicbrainz_id,
        "artist_id": group.watch.artist_id,
        "artist": group.watch.artist.name,
        "title": group.title,
        "primary_type": group.primary_type,
        "secondary_types": group.secondary_types,
        "release_date": group.release_date,
        "first_release_date": group.first_release_date,
        "state": calendar.calendar_state(group, today),
        "release_group_state": group.state,
        "reason": group.reason,
        "album_id": group.album_id,
        "owned_tracks": group.owned_tracks,
        "album_tracks": group.album_tracks,
    }


@ics_router.get(
    "",
    auth=None,
    response={200: str, **errors(400, 404)},
    summary="Release calendar as iCal",
    url_name="calendar_ics",
    openapi_extra={"responses": {200: {"content": {"text/calendar": {}}}}},
)
def calendar_ics(
    request: HttpRequest, token: str = "", window: Query[CalendarQuery] = None
) -> HttpResponse:
    """The same release groups as an iCal feed (one all-day event each), for phone calendars.
    `token` is the calendar token shown on the calendar page; a wrong one answers 404."""
    if calendar.user_of_token(token) is None:
        raise Http404("No such calendar.")
    start, end = (window.start, window.end) if window else (None, None)
    groups = calendar.calendar_release_groups(calendar.calendar_window(start, end))
    response = HttpResponse(calendar.ical_feed(groups), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="soulspot.ics"'
    return response

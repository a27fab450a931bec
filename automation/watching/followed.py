"""Spotify's followed artists as watched artists, when the user turns that on.

Each followed artist is looked up once on MusicBrainz by name; an artist whose exact name
(case aside) is among the results is watched with the default options, anything else is
recorded as "no MusicBrainz match" and left alone (the user can watch it from a search).
"""

from __future__ import annotations

from automation.models import SpotifyFollowedArtist, SpotifySources, WatchedArtist
from automation.watching import watches
from automation.watching.errors import WatchError
from metadata.providers import musicbrainz

# Followed artists looked up per tick: each is a MusicBrainz search at its one-a-second pace.
PER_TICK = 10
NO_MATCH = "no MusicBrainz match"


def watch_followed_artists(limit: int = PER_TICK) -> str:
    """Watch up to `limit` followed artists not tried yet (nothing when the switch is off)."""
    if not SpotifySources.get().watch_followed_artists:
        return "watching followed artists is off"
    pending = SpotifyFollowedArtist.objects.filter(watch_note="").order_by("pk")[:limit]
    notes = [_watch_one(followed) for followed in pending]
    return f"{notes.count('watched')} followed artist(s) watched, {len(notes)} tried"


def _watch_one(followed: SpotifyFollowedArtist) -> str:
    mbid = _exact_match(followed.name)
    if mbid is None:
        note = NO_MATCH
    elif WatchedArtist.objects.filter(musicbrainz_id=mbid).exists():
        note = "watched already"
    else:
        try:
            source = WatchedArtist.Source.SPOTIFY
            watches.watch_musicbrainz_artist(mbid, watches.WatchOptions(), source=source)
            note = "watched"
        except WatchError as exc:
            note = str(exc)[:200]
    SpotifyFollowedArtist.objects.filter(pk=followed.pk).update(watch_note=note)
    return note


def _exact_match(name: str) -> str | None:
    wanted = name.strip().casefold()
    hits = musicbrainz.search_artists(name, limit=10)
    return next((hit.id for hit in hits if hit.name.strip().casefold() == wanted), None)


def set_watch_followed_artists(enabled: bool) -> SpotifySources:
    """Turn the switch on or off; on, the next tick starts watching them."""
    sources = SpotifySources.get()
    SpotifySources.objects.filter(pk=sources.pk).update(watch_followed_artists=enabled)
    return SpotifySources.get()

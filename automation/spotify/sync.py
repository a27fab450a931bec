"""Reading the user's Spotify library into wants, one source per task.

`list_and_plan` lists the playlists (one call per 50) and queues a task for each followed
playlist whose snapshot changed, and for Liked Songs, saved albums and followed artists when
the user switched them on. A playlist whose snapshot is unchanged costs no call at all beyond
the listing. Each task is short and holds a claim, so three workers share a big library.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from automation import wanting
from automation.models import (
    SpotifyFollowedArtist,
    SpotifyPlaylist,
    SpotifySavedAlbum,
    SpotifySources,
)
from automation.spotify.facts import track_facts
from downloads.services import queueing
from downloads.services.errors import DownloadError
from library import catalog
from library import playlists as library_playlists
from library.models import Artist, Playlist, WantSource
from metadata.providers import spotify as spotify_api
from soulspot.lib.queue import enqueue

SPOTIFY = WantSource.SPOTIFY
LIKED_KEY = "liked"
CLAIM = timedelta(minutes=10)
# Each source the user can switch on, and the task that reads it.
SOURCE_TASKS = {
    "liked_songs": "automation.tasks.sync_spotify_liked",
    "saved_albums": "automation.tasks.sync_spotify_saved_albums",
    "followed_artists": "automation.tasks.sync_spotify_followed_artists",
}
NOT_READABLE = (
    "not readable with a Development Mode app "
    "(Spotify returns the items of playlists you own or collaborate on only)"
)


def list_and_plan() -> str:
    """List the playlists, then queue a task per source to read."""
    me = spotify_api.connection()
    if me is None:
        raise spotify_api.SpotifyNotConnected("connect a Spotify account first")
    listed = _list_playlists(me.spotify_user_id)
    sources = SpotifySources.get()
    due = list(SpotifyPlaylist.objects.due().values_list("pk", flat=True))
    for pk in due:
        enqueue("automation.tasks.sync_spotify_playlist", pk)
    parts = [f"{listed} playlists listed", f"{len(due)} changed"]
    for field, task in SOURCE_TASKS.items():
        if getattr(sources, field):
            enqueue(task)
    now = timezone.now()
    result = ", ".join(parts)
    SpotifySources.objects.filter(pk=1).update(
        last_sync_at=now,
        next_sync_at=now + timedelta(hours=sources.sync_interval_hours),
        last_result=result,
        error="",
    )
    return result


def _list_playlists(user_id: str) -> int:
    seen = []
    for found in spotify_api.my_playlists():
        owned = found.owner_id == user_id
        defaults = {
            "name": found.name[:500],
            "owner_id": found.owner_id,
            "owner_name": found.owner_name[:500],
            "owned": owned,
            "collaborative": found.collaborative,
            "snapshot_id": found.snapshot_id,
            "tracks_total": found.tracks_total,
            "listed_at": timezone.now(),
        }
        row, created = SpotifyPlaylist.objects.update_or_create(
            spotify_id=found.id, defaults=defaults
        )
        if created or row.readable is None:
            readable = owned or found.collaborative
            SpotifyPlaylist.objects.filter(pk=row.pk).update(
                readable=readable, error="" if readable else NOT_READABLE
            )
        seen.append(found.id)
    for gone in SpotifyPlaylist.objects.exclude(spotify_id__in=seen):
        unfollow_playlist(gone, why="no longer in your Spotify library")
        gone.delete()
    return len(seen)


def sync_playlist(source_id: int) -> str:
    """Read one followed playlist's items and make its members the wanted tracks."""
    source = _claim(source_id)
    if source is None:
        return "not followed, or another worker is syncing it"
    try:
        if source.synced_snapshot_id and source.synced_snapshot_id == source.snapshot_id:
            return "unchanged since its last sync"  # queued twice (sync now and the schedule)
        skipped: Counter[str] = Counter()
        try:
            track_ids = _member_tracks(spotify_api.playlist_entries(source.spotify_id), skipped)
        except spotify_api.SpotifyForbidden:
            _finish(source, readable=False, error=NOT_READABLE)
            return NOT_READABLE
        mirror = _mirror(source.name, spotify_id=source.spotify_id, current=source.playlist)
        library_playlists.set_playlist_entries(mirror, track_ids)
        result = _want_members(
            track_ids, key=source.want_key, label=f"Spotify playlist {source.name}"
        )
        result = _with_skips(result, skipped)
        _finish(
            source,
            playlist=mirror,
            readable=True,
            error="",
            last_result=result,
            synced_snapshot_id=source.snapshot_id,
            synced_at=timezone.now(),
        )
        return result
    finally:
        SpotifyPlaylist.objects.filter(pk=source_id).update(claimed_until=None)


def sync_liked_songs() -> str:
    """Liked Songs: a mirrored playlist, its tracks wanted."""
    skipped: Counter[str] = Counter()
    track_ids = _member_tracks(spotify_api.saved_tracks(), skipped)
    current = Playlist.objects.filter(source=Playlist.Source.SPOTIFY, spotify_id=LIKED_KEY).first()
    mirror = _mirror("Liked Songs", spotify_id=LIKED_KEY, current=current)
    library_playlists.set_playlist_entries(mirror, track_ids)
    result = _with_skips(_want_members(track_ids, key=LIKED_KEY, label="Liked Songs"), skipped)
    return f"Liked Songs: {result}"


def sync_saved_albums() -> str:
    """Saved albums become album wants, each once: an album wanted before is never wanted
    again by a later sync, whatever became of that want."""
    known = set(SpotifySavedAlbum.objects.values_list("spotify_id", flat=True))
    wanted = 0
    for album in spotify_api.saved_albums():
        if album.id in known:
            continue
        outcome = _want_album(album)
        wanted += outcome.startswith("wanted")
    return f"saved albums: {wanted} new album wants"


def _want_album(album: spotify_api.SpotifyAlbum) -> str:
    artist = album.artists[0].name if album.artists else "Unknown Artist"
    ref = spotify_api.SpotifyAlbumRef(
        album.id,
        album.name,
        album.artists,
        album.release_date,
        album.album_type,
        album.total_tracks,
    )
    tracks = [catalog.track_for(track_facts(t, ref)) for t in album.tracks]
    try:
        job = queueing.queue_album_download(
            artist=artist,
            album=album.name,
            year=catalog.year_of(album.release_date),
            tracks=[t.title for t in tracks],
        )
    except DownloadError as exc:  # AlreadyQueued included
        outcome, album_row = f"not wanted: {exc}", tracks[0].album if tracks else None
    else:
        outcome, album_row = f"wanted (job #{job.pk}: {job.status})", job.album
    SpotifySavedAlbum.objects.create(
        spotify_id=album.id,
        name=album.name[:500],
        artist_name=artist[:500],
        album=album_row,
        outcome=outcome[:500],
    )
    return outcome


def sync_followed_artists() -> str:
    """Record the followed artists (watching them is the automation's job), linked to the
    library's artist when it has one."""
    seen = []
    for found in spotify_api.followed_artists():
        artist = (
            Artist.objects.filter(Q(spotify_id=found.id) | Q(name__iexact=found.name))
            .order_by("pk")
            .first()
        )
        if artist is not None and not artist.spotify_id:
            Artist.objects.filter(pk=artist.pk).update(spotify_id=found.id)
        SpotifyFollowedArtist.objects.update_or_create(
            spotify_id=found.id,
            defaults={"name": found.name[:500], "artist": artist, "seen_at": timezone.now()},
        )
        seen.append(found.id)
    SpotifyFollowedArtist.objects.exclude(spotify_id__in=seen).delete()
    return f"{len(seen)} followed artists"


def follow_playlist(source: SpotifyPlaylist, followed: bool) -> SpotifyPlaylist:
    """The user's pick: a followed playlist is synced (now, and on every sync); an unfollowed
    one stops wanting its tracks and its mirror is removed (the tracks stay in the library)."""
    SpotifyPlaylist.objects.filter(pk=source.pk).update(followed=followed)
    source.refresh_from_db()
    if followed and source.readable is not False:
        SpotifyPlaylist.objects.filter(pk=source.pk).update(synced_snapshot_id="")
        enqueue("automation.tasks.sync_spotify_playlist", source.pk)
    elif not followed:
        unfollow_playlist(source, why=f"Spotify playlist {source.name} unfollowed")
    source.refresh_from_db()
    return source


def unfollow_playlist(source: SpotifyPlaylist, *, why: str) -> None:
    wanting.stop_wanting_all_but([], source=SPOTIFY, key=source.want_key, why=why)
    if source.playlist is not None:
        library_playlists.delete_playlist(source.playlist)
    SpotifyPlaylist.objects.filter(pk=source.pk).update(
        playlist=None, synced_snapshot_id="", synced_at=None
    )


def _member_tracks(entries, skipped: Counter[str]) -> list[int]:
    track_ids = []
    for entry in entries:
        if entry.kind != "track" or entry.track is None or not entry.track.id:
            skipped[entry.kind] += 1
            continue
        track_ids.append(catalog.track_for(track_facts(entry.track)).pk)
    return track_ids


def _want_members(track_ids: list[int], *, key: str, label: str) -> str:
    outcome = wanting.want_and_search(track_ids, source=SPOTIFY, key=key, why=label)
    released = wanting.stop_wanting_all_but(
        track_ids, source=SPOTIFY, key=key, why=f"removed from {label}"
    )
    return (
        f"{len(track_ids)} tracks, {len(outcome.newly_wanted)} newly wanted, "
        f"{outcome.searches_queued} searches queued, {len(released)} no longer wanted"
    )


def _with_skips(result: str, skipped: Counter[str]) -> str:
    words = {"local": "local files", "unavailable": "unavailable", "episode": "episodes"}
    parts = [f"{skipped[kind]} {label}" for kind, label in words.items() if skipped[kind]]
    return f"{result}; skipped {', '.join(parts)}" if parts else result


def _mirror(name: str, *, spotify_id: str, current: Playlist | None) -> Playlist:
    if current is None:
        return library_playlists.create_playlist(
            name[:500], [], source=Playlist.Source.SPOTIFY, spotify_id=spotify_id
        )
    if current.name != name:
        library_playlists.rename_playlist(current, name[:500])
    return current


def _claim(source_id: int) -> SpotifyPlaylist | None:
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    claimed = SpotifyPlaylist.objects.filter(free, pk=source_id, followed=True).update(
        claimed_until=now + CLAIM
    )
    return SpotifyPlaylist.objects.filter(pk=source_id).first() if claimed else None


def _finish(source: SpotifyPlaylist, **fields: object) -> None:
    SpotifyPlaylist.objects.filter(pk=source.pk).update(**fields)

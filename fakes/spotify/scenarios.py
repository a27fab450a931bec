"""Ready-made Spotify worlds: the issue's acceptance world and a small demo world."""

from __future__ import annotations

from dataclasses import dataclass, field

from fakes.spotify.objects import (
    Json,
    local_file,
    make_album,
    make_artist,
    make_episode,
    make_track,
)
from fakes.spotify.world import Entry, SpotifyWorld
from fakes.trap_network import DEMO_PACING

OWN_PLAYLIST_ID = "plOwn120"
COLLAB_PLAYLIST_ID = "plCollab"
FOLLOWED_PLAYLIST_ID = "plFollowed"


@dataclass
class AcceptanceWorld:
    """The acceptance world and the answers a correct sync must reach."""

    world: SpotifyWorld
    own_playlist_id: str = OWN_PLAYLIST_ID
    collaborative_playlist_id: str = COLLAB_PLAYLIST_ID
    followed_playlist_id: str = FOLLOWED_PLAYLIST_ID
    # Tracks a sync of the own playlist + Liked Songs must want (no local/null/episode).
    expected_track_ids: set[str] = field(default_factory=set)
    own_playlist_track_ids: list[str] = field(default_factory=list)
    liked_track_ids: list[str] = field(default_factory=list)
    collaborative_track_ids: list[str] = field(default_factory=list)
    expected_album_ids: set[str] = field(default_factory=set)
    expected_album_track_ids: set[str] = field(default_factory=set)
    followed_artist_ids: list[str] = field(default_factory=list)
    readable_playlist_ids: set[str] = field(default_factory=set)
    unreadable_playlist_ids: set[str] = field(default_factory=set)
    skipped_local: int = 1
    skipped_unavailable: int = 1
    skipped_episodes: int = 1


def _isrc(prefix: str, n: int) -> str:
    return f"QZ{prefix}26{n:05d}"


def _album_of(prefix: str, n: int, artist: Json, count: int, first: int, **kw: object) -> Json:
    tracks = [
        make_track(
            f"tr{prefix.title()}{first + i:03d}",
            f"{artist['name']} Song {first + i}",
            [artist],
            duration_ms=180_000 + 1_000 * (first + i),
            isrc=_isrc(prefix.upper()[:3].ljust(3, "X"), first + i),
        )
        for i in range(count)
    ]
    return make_album(
        f"al{prefix.title()}{n:02d}", f"{artist['name']} Album", [artist], tracks=tracks, **kw
    )


def _own_playlist_tracks() -> list[Json]:
    tracks: list[Json] = []
    for n in range(13):
        artist = make_artist(f"arAcc{n + 1:02d}", f"Acceptance Artist {n + 1:02d}")
        album = _album_of("acc", n + 1, artist, 9, first=len(tracks) + 1)
        tracks += album["_tracks"]
    return tracks


def acceptance_world() -> AcceptanceWorld:
    """117 tracks + local + unavailable + episode in an owned playlist over 3 pages of 50, a
    collaborative and a followed (unreadable) playlist, Liked Songs overlapping the playlist,
    2 saved albums (one whose embedded track page is shorter than the album), 3 artists."""
    world = SpotifyWorld(user_id="me", display_name="Acceptance Listener")
    own = _own_playlist_tracks()
    entries: list[Entry] = list(own)
    # One of each skipped kind, one on each page of 50.
    entries.insert(10, local_file("Home Taper", "Cassette", "Demo Take", 187_000))
    entries.insert(60, None)
    entries.insert(110, make_episode("epAcc1", "Episode 1", show_name="Music Talk"))
    world.add_playlist(OWN_PLAYLIST_ID, "Everything I Want", entries=entries)

    friend = make_artist("arCollab", "Collab Crew")
    collab_only = _album_of("col", 1, friend, 3, first=1)["_tracks"]
    collab = own[:3] + collab_only
    world.add_playlist(
        COLLAB_PLAYLIST_ID,
        "Friday Mix",
        owner_id="friend-ana",
        owner_name="Ana",
        collaborative=True,
        entries=collab,
    )
    stranger = make_artist("arStranger", "Stranger Things Band")
    hidden = _album_of("fol", 1, stranger, 5, first=1)["_tracks"]
    world.add_playlist(
        FOLLOWED_PLAYLIST_ID, "Someone Else's Hits", owner_id="spotify-fan", entries=hidden
    )

    liked_artist = make_artist("arLiked", "Liked Loner")
    liked_only = _album_of("lik", 1, liked_artist, 6, first=1)["_tracks"]
    world.liked = [own[4], *liked_only[:3], own[19], own[69], *liked_only[3:], own[114]]

    saved_artists = [make_artist("arSav1", "Saved Singer"), make_artist("arSav2", "Saved Duo")]
    first = _album_of("sav", 1, saved_artists[0], 10, first=1, upc="0000000000011")
    second = _album_of(
        "sav", 2, saved_artists[1], 12, first=11, upc="0000000000012", embedded_tracks_limit=5
    )
    world.saved_albums = [first, second]
    world.followed_artists = [saved_artists[0], saved_artists[1], liked_artist]

    own_ids = [t["id"] for t in own]
    liked_ids = [t["id"] for t in world.liked]
    return AcceptanceWorld(
        world=world,
        expected_track_ids=set(own_ids) | set(liked_ids),
        own_playlist_track_ids=own_ids,
        liked_track_ids=liked_ids,
        collaborative_track_ids=[t["id"] for t in collab],
        expected_album_ids={first["id"], second["id"]},
        expected_album_track_ids={t["id"] for a in (first, second) for t in a["_tracks"]},
        followed_artist_ids=[a["id"] for a in world.followed_artists],
        readable_playlist_ids={OWN_PLAYLIST_ID, COLLAB_PLAYLIST_ID},
        unreadable_playlist_ids={FOLLOWED_PLAYLIST_ID},
    )


# The trap-network demo's wants (fakes/trap_network.py): artist, title, seconds. The lengths
# are the demo network's, so a synced want matches the file the demo's peers share.
_SONG, _LONG, _HOME = (
    DEMO_PACING.song_seconds,
    DEMO_PACING.long_song_seconds,
    DEMO_PACING.home_seconds,
)
_TRAP_SONGS = [
    ("Alpha Band", "Sunrise", _SONG),
    ("Beta", "Ocean Drive", _SONG),
    ("Gamma", "Night Call", _SONG),
    ("Delta", "Long Road", _LONG),
    ("Epsilon", "Home", _HOME),
    ("Eta", "Falling", _SONG),
    ("Theta", "Lights", _SONG),
    ("Sigur Rós", "Hoppípolla", _SONG),
    ("Lambda", "Quiet", _SONG),
    ("Mu", "Nowhere", _SONG),
]


def _demo_tracks() -> dict[str, Json]:
    tracks: dict[str, Json] = {}
    for n, (name, title, seconds) in enumerate(_TRAP_SONGS, start=1):
        artist = make_artist(f"arDemo{n:02d}", name)
        tracks[title] = make_track(
            f"trDemo{n:02d}", title, [artist], duration_ms=seconds * 1000, isrc=_isrc("DEM", n)
        )
    iota, kappa = make_artist("arDemoIota", "Iota"), make_artist("arDemoKappa", "Kappa")
    tracks["Together"] = make_track(
        "trDemo11", "Together", [iota, kappa], duration_ms=_SONG * 1000, isrc=_isrc("DEM", 11)
    )
    return tracks


def demo_world() -> SpotifyWorld:
    """Three small playlists (owned, collaborative, followed-not-readable), a few liked songs,
    one saved album and two followed artists, named after the trap-network demo's songs."""
    world = SpotifyWorld(user_id="demo-listener", display_name="Demo Listener")
    songs = _demo_tracks()
    alpha = songs["Sunrise"]["artists"][0]
    dawn = make_album("alDemoDawn", "Dawn", [alpha], tracks=[songs["Sunrise"]], release_date="2001")
    dawn["external_ids"] = {"upc": "0000000000101"}
    world.add_playlist(
        "plDemoRoad",
        "Road Trip",
        entries=[songs[t] for t in ("Sunrise", "Ocean Drive", "Night Call", "Long Road", "Home")],
    )
    world.add_playlist(
        "plDemoFriday",
        "Friday Mix",
        owner_id="friend-ana",
        owner_name="Ana",
        collaborative=True,
        entries=[songs[t] for t in ("Falling", "Lights", "Together")],
    )
    world.add_playlist(
        "plDemoIndie",
        "Indie Finds",
        owner_id="indie-curator",
        entries=[songs["Hoppípolla"], songs["Nowhere"]],
    )
    world.liked = [songs["Quiet"], songs["Hoppípolla"], songs["Sunrise"]]
    world.saved_albums = [dawn]
    world.followed_artists = [alpha, songs["Quiet"]["artists"][0]]
    return world

"""What the fake Last.fm knows: API keys and the top tags of artists, albums and tracks."""

from __future__ import annotations

from dataclasses import dataclass, field

Tags = list[tuple[str, int]]


def fold(name: str) -> str:
    """Last.fm matches artist, album and track names case-insensitively."""
    return " ".join(name.casefold().split())


@dataclass
class LastFmWorld:
    """Top tags per artist, (artist, album) and (artist, track), keyed by folded names.

    A thing that was never added is unknown (error 6); one added with no tags answers an empty
    <toptags/>, as Last.fm does for obscure tracks.
    """

    api_keys: set[str] = field(default_factory=lambda: {DEFAULT_API_KEY})
    suspended_keys: set[str] = field(default_factory=set)
    artists: dict[str, Tags] = field(default_factory=dict)
    albums: dict[tuple[str, str], Tags] = field(default_factory=dict)
    tracks: dict[tuple[str, str], Tags] = field(default_factory=dict)

    def set_artist_tags(self, artist: str, tags: Tags) -> None:
        self.artists[fold(artist)] = list(tags)

    def set_album_tags(self, artist: str, album: str, tags: Tags) -> None:
        self.albums[fold(artist), fold(album)] = list(tags)

    def set_track_tags(self, artist: str, title: str, tags: Tags) -> None:
        self.tracks[fold(artist), fold(title)] = list(tags)

    def artist_tags(self, artist: str) -> Tags | None:
        return self.artists.get(fold(artist))

    def album_tags(self, artist: str, album: str) -> Tags | None:
        return self.albums.get((fold(artist), fold(album)))

    def track_tags(self, artist: str, title: str) -> Tags | None:
        return self.tracks.get((fold(artist), fold(title)))


DEFAULT_API_KEY = "fake-lastfm-key"


def demo_world() -> LastFmWorld:
    """Tags for the artists of the fake metadata services' demo catalogue, with the noise real
    Last.fm tags carry ("seen live", years, spelling variants)."""
    world = LastFmWorld()
    world.set_artist_tags(
        "Dynamo Go",
        [("indie rock", 100), ("new zealand", 61), ("seen live", 40), ("Indie", 35)],
    )
    world.set_album_tags(
        "Dynamo Go",
        "The Fool of Fountain City",
        [("indie pop", 100), ("2009", 50), ("albums i own", 20)],
    )
    world.set_track_tags(
        "Dynamo Go",
        "Fountain City",
        [("indie", 100), ("power pop", 80), ("favorites", 60), ("indie-pop", 33)],
    )
    world.set_track_tags("Dynamo Go", "Route 17", [("seen live", 100)])
    world.set_artist_tags(
        "JT Bruce",
        [("progressive metal", 100), ("djent", 74), ("instrumental", 55), ("guitar virtuoso", 20)],
    )
    world.set_album_tags(
        "JT Bruce", "Ruined Subjects", [("Progressive Metal", 100), ("post metal", 40)]
    )
    world.set_artist_tags(
        "Neon Harbor", [("synthwave", 100), ("synth pop", 80), ("80s", 51), ("electronic", 50)]
    )
    _add_demo_wants(world)
    return world


# The artists `manage.py demo` wants (fakes/trap_network.py), so its imports get genres.
_DEMO_WANT_ARTISTS: dict[str, Tags] = {
    "Alpha Band": [("rock", 100), ("seen live", 70), ("classic rock", 45)],
    "Beta": [("house", 100), ("deep house", 64), ("summer", 30)],
    "Gamma": [("synthwave", 100), ("Synth-Pop", 72), ("retro", 40)],
    "Delta": [("americana", 100), ("alt-country", 81), ("road trip", 20)],
    "Epsilon": [("hip hop", 100), ("Hip-Hop", 90), ("rnb", 50)],
    "Eta": [("trip hop", 100), ("female vocalists", 90), ("downtempo", 60)],
    "Theta": [("drum n bass", 100), ("liquid funk", 55), ("2010s", 30)],
    "Sigur Rós": [("post-rock", 100), ("icelandic", 85), ("ambient", 70), ("seen live", 50)],
    "Lambda": [("ambient", 100), ("piano", 60), ("neoclassical", 52)],
    "Iota": [("dance-pop", 100), ("electropop", 50)],
}


def _add_demo_wants(world: LastFmWorld) -> None:
    for artist, tags in _DEMO_WANT_ARTISTS.items():
        world.set_artist_tags(artist, tags)
    world.set_track_tags("Sigur Rós", "Hoppípolla", [("post rock", 100), ("beautiful", 80)])
    world.set_track_tags("Iota feat. Kappa", "Together", [("favorites", 100)])

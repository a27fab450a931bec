"""The Playlist admin writes, renames and deletes the playlist's .m3u8 through the services."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from library.models import Playlist, PlaylistEntry
from tests.factories import TrackFactory
from tests.library.playlist_support import commit, music, with_file

pytestmark = pytest.mark.django_db
__all__ = ["commit", "music"]  # fixtures


@pytest.fixture
def admin(logged_in_client: Client, commit) -> Callable:
    """POST to the admin and run what it scheduled after its commit."""
    return functools.partial(commit, logged_in_client.post)


def owned(music: Path, title: str) -> int:
    track = TrackFactory(title=title, artist__name="Band")
    return with_file(track, music / "Band" / f"{title}.flac").pk


def form(name: str, entries: list[tuple[int | None, int, int | str]], **extra: str) -> dict:
    """The change form: (entry id or None, track id, position) per inline row."""
    data = {
        "name": name,
        "description": "",
        "source": "manual",
        "spotify_id": "",
        "entries-TOTAL_FORMS": str(len(entries)),
        "entries-INITIAL_FORMS": str(sum(1 for pk, *_ in entries if pk)),
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    for n, (pk, track, position) in enumerate(entries):
        data |= {f"entries-{n}-id": str(pk or ""), f"entries-{n}-track": str(track)}
        data |= {f"entries-{n}-position": str(position), f"entries-{n}-playlist": ""}
    return data | extra


def test_adding_a_playlist_in_the_admin_writes_its_file(admin, music) -> None:
    one, two = owned(music, "One"), owned(music, "Two")

    response = admin(
        reverse("admin:library_playlist_add"), form("Car", [(None, two, 1), (None, one, 2)])
    )

    assert response.status_code == 302
    assert "Band/Two.flac\n#EXTINF" in (music / "Car.m3u8").read_text()
    assert (music / "Car.m3u8").read_text().endswith("Band/One.flac\n")


def test_renaming_and_reordering_in_the_admin_moves_the_file(admin, music) -> None:
    one, two = owned(music, "One"), owned(music, "Two")
    admin(reverse("admin:library_playlist_add"), form("Car", [(None, one, 1), (None, two, 2)]))
    playlist = Playlist.objects.get()
    first, second = playlist.entries.order_by("position")
    url = reverse("admin:library_playlist_change", args=[playlist.pk])

    # The two positions swapped: allowed, and saved renumbered.
    response = admin(url, form("Bus", [(first.pk, one, 2), (second.pk, two, 1)]))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not (music / "Car.m3u8").exists()
    text = (music / "Bus.m3u8").read_text()
    assert text.index("Band/Two.flac") < text.index("Band/One.flac")
    assert list(playlist.entries.order_by("position").values_list("position", "track_id")) == [
        (1, two),
        (2, one),
    ]


def test_deleting_a_playlist_entry_in_the_admin_rewrites_the_file(admin, music) -> None:
    one, two = owned(music, "One"), owned(music, "Two")
    admin(reverse("admin:library_playlist_add"), form("Car", [(None, one, 1), (None, two, 2)]))
    playlist = Playlist.objects.get()
    first, second = playlist.entries.order_by("position")
    url = reverse("admin:library_playlist_change", args=[playlist.pk])

    data = form("Car", [(first.pk, one, 1), (second.pk, two, 2)], **{"entries-0-DELETE": "on"})
    admin(url, data)

    assert "One.flac" not in (music / "Car.m3u8").read_text()
    assert list(PlaylistEntry.objects.values_list("track_id", flat=True)) == [two]


def test_deleting_playlists_in_the_admin_removes_their_files(admin, music) -> None:
    admin(reverse("admin:library_playlist_add"), form("Car", []))
    admin(reverse("admin:library_playlist_add"), form("Bus", []))
    assert (music / "Car.m3u8").exists() and (music / "Bus.m3u8").exists()
    ids = [str(pk) for pk in Playlist.objects.values_list("pk", flat=True)]

    admin(
        reverse("admin:library_playlist_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert not Playlist.objects.exists()
    assert list(music.glob("*.m3u8")) == []


def test_deleting_one_playlist_in_the_admin_removes_its_file(admin, music) -> None:
    admin(reverse("admin:library_playlist_add"), form("Car", []))
    playlist = Playlist.objects.get()

    admin(reverse("admin:library_playlist_delete", args=[playlist.pk]), {"post": "yes"})

    assert not Playlist.objects.exists() and not (music / "Car.m3u8").exists()

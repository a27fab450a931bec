"""Wanting music from the pages, as a user does: the real worker, the fake slskd, real files.

Metadata providers stay off (the tests' default), so what reaches the library is named from
the want and the file's tags, with no network at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from downloads.models import DownloadJob, RejectedFile
from fakes.audio import make_audio
from fakes.slskd import Network
from library.audio import audio_fingerprint
from library.models import Track
from soulspot.lib.queue import enqueue
from tests.browser.support import Watch
from tests.downloads.test_wanted import missing_track
from tests.engine_support import kill_hard, start_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]
# Wants typed on the page carry no length, and shorter files of unknown length look like clips.
SECONDS = 35
# The worker downloads and imports within seconds; the page polls every 2 s.
SETTLED_MS = 90_000


@pytest.fixture
def worker():
    """A real django-q2 worker against the test database; call it with the fake to start."""
    started = []

    def start(fake) -> None:
        started.append(start_worker(fake, Path(settings.DATA_DIR)))
        enqueue("downloads.tasks.pump_engine")  # what `serve` does at start

    yield start
    for process in started:
        kill_hard(process)


def want(watch: Watch, artist: str, title: str = "", album: str = "") -> None:
    """Fill the form on the downloads page and send it; lands on the new job's page."""
    watch.visit("/downloads/")
    page = watch.page
    page.get_by_label("Artist").fill(artist)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Album").fill(album)
    page.get_by_role("button", name="Want it").click()
    expect(page.locator(".messages")).to_contain_text("Queued")


def wait_until_completed(watch: Watch) -> None:
    """The job page refreshes itself; wait for the status line to say it is done."""
    status = watch.page.locator("#job-progress strong")
    expect(status).to_have_text("Completed", timeout=SETTLED_MS)


def library_audio() -> list[Path]:
    return sorted(p for p in Path(settings.MUSIC_DIR).rglob("*.flac") if p.is_file())


def test_a_track_and_an_album_wanted_on_the_page_reach_the_library(
    signed_in: Watch, slskd_factory, worker, tmp_path
) -> None:
    network = Network.build(tmp_path / "net")
    song = make_audio(tmp_path / "net" / "lights.flac", seconds=SECONDS, seed=1)
    network.add_user("songpeer", upload_speed=5_000_000).share(
        "Music\\Nova\\Nova - Lights.flac", song
    )
    folder = tmp_path / "net" / "album"
    for n, title in enumerate(["Dawn", "Noon", "Dusk"], start=1):
        make_audio(folder / f"0{n} - {title}.flac", seconds=SECONDS, seed=10 + n)
    network.add_user("albumpeer", upload_speed=5_000_000).share_folder(
        "Music\\Omicron\\Skyline (2010)", folder
    )
    worker(slskd_factory(network))

    want(signed_in, "Nova", title="Lights")
    wait_until_completed(signed_in)
    expect(signed_in.page.locator("#job-progress")).to_contain_text("In the library")

    want(signed_in, "Omicron", album="Skyline")
    wait_until_completed(signed_in)
    children = signed_in.page.locator("#job section.card", has_text="Tracks")
    for title in ("Dawn", "Noon", "Dusk"):
        expect(children.get_by_role("row", name=title)).to_contain_text("Completed")

    signed_in.visit("/library/")
    for title in ("Lights", "Dawn", "Noon", "Dusk"):
        expect(signed_in.page.get_by_text(title, exact=True)).to_be_visible()
    assert len(library_audio()) == 4
    assert set(Track.objects.values_list("status", flat=True)) == {Track.Status.OWNED}
    signed_in.assert_clean()


def test_wrong_file_on_a_completed_download_takes_the_next_candidate(
    signed_in: Watch, slskd_factory, worker, tmp_path
) -> None:
    network = Network.build(tmp_path / "net")
    wrong = make_audio(tmp_path / "net" / "a.flac", seconds=SECONDS, seed=1)
    right = make_audio(tmp_path / "net" / "b.flac", seconds=SECONDS, seed=2)
    network.add_user("fastpeer", upload_speed=5_000_000).share(
        "Music\\Nova\\Nova - Lights.flac", wrong
    )
    network.add_user("slowpeer", upload_speed=2_000_000, queue_length=3).share(
        "Music\\Other\\Nova - Lights.flac", right
    )
    worker(slskd_factory(network))
    page = signed_in.page

    want(signed_in, "Nova", title="Lights")
    wait_until_completed(signed_in)
    file_row = page.locator("#job-progress").get_by_role("row", name="File")
    expect(file_row).to_contain_text("fastpeer")
    [first] = library_audio()
    assert audio_fingerprint(first) == audio_fingerprint(wrong)

    page.get_by_role("button", name="Wrong file").click()
    expect(page.locator(".messages")).to_contain_text("Reject")
    wait_until_completed(signed_in)
    expect(file_row).to_contain_text("slowpeer")
    [placed] = library_audio()
    assert audio_fingerprint(placed) == audio_fingerprint(right)
    recycled = Path(settings.SOULSPOT_RECYCLE_DIR).rglob("*.flac")
    assert [audio_fingerprint(p) for p in recycled] == [audio_fingerprint(wrong)]  # kept, not lost

    signed_in.visit("/downloads/blocklist/")
    expect(page.get_by_text("fastpeer").first).to_be_visible()
    assert RejectedFile.objects.filter(username="fastpeer").count() == 1
    signed_in.assert_clean()


def test_search_selected_on_the_wanted_page_queues_only_the_ticked_tracks(
    signed_in: Watch,
) -> None:
    chosen = [missing_track(title="First Pick"), missing_track(title="Second Pick")]
    left = missing_track(title="Left Alone")
    page = signed_in.page
    signed_in.visit("/downloads/wanted/")
    for track in chosen:
        page.locator(f'input[name="track"][value="{track.pk}"]').check()

    page.get_by_role("button", name="Search selected").click()

    expect(page.locator(".messages")).to_contain_text("Search:")
    assert signed_in.path() == "/downloads/wanted/"
    queued = set(DownloadJob.objects.values_list("track_id", flat=True))
    assert queued == {track.pk for track in chosen}
    assert left.pk not in queued
    signed_in.assert_clean()

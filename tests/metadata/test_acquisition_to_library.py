"""The whole path: wants -> fake Soulseek -> engine -> import -> tagged files in the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from downloads import services
from downloads.models import DownloadJob
from downloads.tasks import import_download
from fakes.metadata_services import FakeMetadataServices, MetadataCatalog
from fakes.trap_network import build_trap_network
from library.audio import audio_fingerprint
from library.models import Track
from library.tagging import read_cover, read_tags
from tests.engine_support import all_settled, run_engine_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
Status = DownloadJob.Status


@pytest.fixture
def metadata_fakes(settings, tmp_path):
    catalog = MetadataCatalog()
    server = FakeMetadataServices(catalog)
    url = server.start()
    settings.MUSICBRAINZ_URL = settings.COVERART_URL = settings.LRCLIB_URL = url
    settings.METADATA_PROVIDERS_ENABLED = True
    settings.MUSICBRAINZ_RATE_LIMIT_SECONDS = 0
    yield catalog
    server.stop()


def test_ten_wants_end_in_the_library_tagged_with_cover_and_lyrics(
    slskd_factory,
    metadata_fakes,
    tmp_path,
    settings,
) -> None:
    network, wants = build_trap_network(tmp_path / "net")
    found = [w for w in wants if w.right_user]
    for n, spec in enumerate(found, start=1):
        isrc = f"XXTST26{n:05d}"
        track = (spec.title, spec.seconds * 1000, isrc)
        metadata_fakes.add_release(
            f"{spec.title} Sessions", spec.artist, tracks=[track], date="2024-05-01"
        )
        if n % 2:  # every other track has lyrics
            metadata_fakes.add_lyrics(
                spec.artist,
                spec.title,
                duration_s=spec.seconds,
                synced="[00:00.50] la la\n[00:01.50] la\n",
                plain="la la\nla\n",
            )
    fake = slskd_factory(network)
    services.update_engine(max_concurrent=4)
    jobs = {
        spec: services.queue_track_download(
            artist=spec.artist, title=spec.title, duration_ms=spec.seconds * 1000
        )
        for spec in found
    }
    run_engine_until(all_settled, timeout=120)
    for job in jobs.values():
        assert import_download(job.pk)

    music = Path(settings.MUSIC_DIR).resolve()
    for n, (spec, job) in enumerate(jobs.items(), start=1):
        job.refresh_from_db()
        assert job.status == Status.COMPLETED, (spec, job.status, job.status_reason, job.error)
        placed = Path(job.library_path)
        assert placed.is_file() and placed.resolve().is_relative_to(music)
        assert placed.relative_to(music).parts[:2] == (
            spec.artist,
            f"{spec.title} Sessions (2024)",
        )
        tags = read_tags(placed)
        assert (tags.title, tags.album, tags.isrc) == (
            spec.title,
            f"{spec.title} Sessions",
            f"XXTST26{n:05d}",
        )
        assert tags.musicbrainz_recording_id and tags.musicbrainz_release_id
        assert read_cover(placed)
        assert (placed.parent / "cover.jpg").is_file()
        assert placed.with_suffix(".lrc").is_file() == bool(n % 2)
        source = network.users[spec.right_user].find(spec.right_path).local
        assert audio_fingerprint(placed) == audio_fingerprint(source)
        assert Track.objects.get(pk=job.track_id).status == Track.Status.OWNED
    assert not any(fake.downloads_dir.rglob("*.flac")), "imported downloads are moved, not copied"

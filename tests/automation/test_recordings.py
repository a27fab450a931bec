"""ISRCs of wanted tracks → MusicBrainz recordings, through the fake MusicBrainz."""

from __future__ import annotations

import pytest

from automation import recordings
from automation.models import RecordingLookup
from fakes.metadata_services import FakeMusicBrainz, MetadataCatalog
from tests.factories import TrackFactory
from tests.metadata_support import fake_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog() -> MetadataCatalog:
    catalog = MetadataCatalog()
    catalog.add_release(
        "Known Album", "Known Band", tracks=[("Known Song", 200_000, "GBKNO2600001")]
    )
    # One ISRC on two different recordings identifies nothing.
    catalog.add_release("Twice", "Band A", tracks=[("Same Code", 180_000, "GBTWO2600001")])
    catalog.add_release("Twice Again", "Band B", tracks=[("Other", 190_000, "GBTWO2600001")])
    return catalog


fake = fake_fixture(FakeMusicBrainz)


def test_a_known_isrc_gives_its_recording_and_each_isrc_is_asked_once(fake, catalog) -> None:
    known = TrackFactory(isrc="GBKNO2600001", monitored=True)
    ambiguous = TrackFactory(isrc="GBTWO2600001", monitored=True)
    unknown = TrackFactory(isrc="USXXX9900001", monitored=True)
    not_wanted = TrackFactory(isrc="GBKNO2600001", monitored=False)

    answer = recordings.resolve_some()

    recording = next(r.id for r in catalog.recordings.values() if "GBKNO2600001" in r.isrcs)
    for track in (known, ambiguous, unknown, not_wanted):
        track.refresh_from_db()
    assert known.musicbrainz_recording_id == recording
    assert not_wanted.musicbrainz_recording_id == recording  # the same ISRC: the same recording
    assert ambiguous.musicbrainz_recording_id == "" and unknown.musicbrainz_recording_id == ""
    assert RecordingLookup.objects.get(isrc="GBTWO2600001").outcome == "2 recordings"
    assert "3 ISRCs looked up" in answer
    asked = len(fake.requests_for("/ws/2/isrc"))
    recordings.resolve_some()
    assert len(fake.requests_for("/ws/2/isrc")) == asked == 3


def test_musicbrainz_down_leaves_the_isrcs_for_later(settings, fake) -> None:
    TrackFactory(isrc="GBKNO2600001", monitored=True)
    fake.set_mode("503")
    settings.MUSICBRAINZ_MAX_ATTEMPTS = 1
    assert "unavailable" in recordings.resolve_some()
    assert not RecordingLookup.objects.exists()

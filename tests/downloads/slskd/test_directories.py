"""Listing a peer's remote directory."""

from __future__ import annotations

import json

import pytest

from downloads.slskd import SlskdUserOffline
from tests.downloads.slskd.support import ALBUM_DIR, SONG_1, js

DIRECTORY = {
    "name": ALBUM_DIR,
    "fileCount": 2,
    "files": [
        {
            "attributeCount": 3,
            "attributes": [
                {"type": "Length", "value": 245},
                {"type": "SampleRate", "value": 44100},
                {"type": "BitDepth", "value": 16},
            ],
            "bitDepth": 16,
            "code": 1,
            "extension": "flac",
            "filename": "01 - First Song.flac",
            "length": 245,
            "sampleRate": 44100,
            "size": 27345678,
        },
        {
            "attributeCount": 2,
            "attributes": [
                {"type": "BitRate", "value": 320},
                {"type": "VariableBitRate", "value": 0},
            ],
            "code": 1,
            "extension": "mp3",
            "filename": "02 - Second Song.mp3",
            "size": 9000000,
        },
    ],
}


@pytest.mark.parametrize(
    "payload", [[DIRECTORY], DIRECTORY], ids=["array >=0.22.3", "object <=0.22.2"]
)
def test_directory_returns_full_remote_paths_for_both_reply_shapes(fake, client, payload):
    fake.on("POST", "/users/flacfan/directory", js(payload))
    files = client.directory("flacfan", ALBUM_DIR)
    assert json.loads(fake.requests[0].content) == {"directory": ALBUM_DIR}
    assert [f.filename for f in files] == [SONG_1, ALBUM_DIR + "\\02 - Second Song.mp3"]
    first, second = files
    assert (first.name, first.size, first.bit_depth, first.sample_rate, first.length) == (
        "01 - First Song.flac",
        27345678,
        16,
        44100,
        245,
    )
    assert (second.bit_rate, second.is_variable_bit_rate, second.sample_rate) == (320, False, None)
    assert (first.extension, second.extension) == ("flac", "mp3")
    assert "sampleRate" not in second.as_search_file()
    assert second.as_search_file()["bitRate"] == 320


def test_directory_joins_with_a_slash_when_the_folder_uses_slashes(fake, client):
    payload = [{"name": "music/Artist/Album", "files": [{"filename": "01.mp3", "size": 1}]}]
    fake.on("POST", "/users/flacfan/directory", js(payload))
    assert (
        client.directory("flacfan", "music/Artist/Album")[0].filename == "music/Artist/Album/01.mp3"
    )


def test_directory_of_an_offline_user_is_user_offline(fake, client):
    fake.on("POST", "/users/ghost/directory", js("User ghost appears to be offline", 404))
    with pytest.raises(SlskdUserOffline):
        client.directory("ghost", ALBUM_DIR)

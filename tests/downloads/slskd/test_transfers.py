"""Reading, listing and cancelling transfers, and parsing every transfer state."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from downloads.slskd import SlskdProtocolError, Transfer
from tests.downloads.slskd.support import (
    ALBUM_DIR,
    SONG_1,
    SONG_2,
    js,
    transfer_record,
    user_listing,
)


def test_get_transfer_reads_one_transfer_and_returns_none_when_unknown(fake, client):
    record = transfer_record(SONG_1, "InProgress", bytesTransferred=1000, percentComplete=12.5)
    fake.on("GET", f"/transfers/downloads/flacfan/{record['id']}", js(record))
    transfer = client.get_transfer("flacfan", record["id"])
    assert transfer is not None
    assert (transfer.bytes_transferred, transfer.percent_complete) == (1000, 12.5)
    assert client.get_transfer("flacfan", str(uuid.uuid4())) is None


def test_a_transfer_without_an_id_is_a_protocol_error(fake, client):
    fake.on(
        "GET", "/transfers/downloads/flacfan/t1", js({"filename": SONG_1, "state": "InProgress"})
    )
    with pytest.raises(SlskdProtocolError):
        client.get_transfer("flacfan", "t1")


def test_list_transfers_flattens_users_and_directories(fake, client):
    other = transfer_record("Music\\Other\\x.mp3", username="mp3user")
    listing = [
        user_listing(transfer_record(SONG_1), transfer_record(SONG_2)),
        user_listing(other, username="mp3user"),
    ]
    listing[0]["directories"][0]["files"].append({"not": "a transfer"})
    fake.on("GET", "/transfers/downloads", js(listing))

    transfers = client.list_transfers(include_removed=True)

    assert [t.filename for t in transfers] == [SONG_1, SONG_2, "Music\\Other\\x.mp3"]
    assert fake.requests[0].url.params["includeRemoved"] == "true"
    assert [
        t.filename for t in client.list_transfers(username="mp3user", include_removed=True)
    ] == ["Music\\Other\\x.mp3"]


def test_the_per_user_listing_is_one_object_and_404_means_none(fake, client):
    fake.on(
        "GET",
        "/transfers/downloads/flacfan",
        js(user_listing(transfer_record())),
        httpx.Response(404),
    )
    assert len(client.list_transfers(username="flacfan")) == 1
    assert client.list_transfers(username="flacfan") == []


def test_an_empty_listing_is_an_empty_list(fake, client):
    fake.on("GET", "/transfers/downloads", js([]))
    assert client.list_transfers() == []


def test_cancel_sends_a_delete_with_the_remove_flag(fake, client):
    fake.on("DELETE", "/transfers/downloads/flacfan/t1", httpx.Response(204), httpx.Response(404))
    client.cancel("flacfan", "t1", remove=True)
    client.cancel("flacfan", "t1")  # 404 from an old slskd: already gone, not an error
    assert [r.url.params["remove"] for r in fake.requests] == ["true", "false"]


def test_remove_completed_uses_the_literal_route(fake, client):
    fake.on("DELETE", "/transfers/downloads/all/completed", httpx.Response(204))
    client.remove_completed()
    assert len(fake.requests) == 1


def test_queue_position_is_an_integer(fake, client):
    fake.on("GET", "/transfers/downloads/flacfan/t1/position", js(7))
    assert client.queue_position("flacfan", "t1") == 7
    assert client.queue_position("flacfan", "t2") is None


# -- transfer states ---------------------------------------------------------------------------

STATES = [
    # state, completed, succeeded, failed, failure kind
    ("None", False, False, False, None),
    ("Queued, Locally", False, False, False, None),
    ("Requested", False, False, False, None),
    ("Queued, Remotely", False, False, False, None),
    ("Initializing", False, False, False, None),
    ("InProgress", False, False, False, None),
    ("Completed, Succeeded", True, True, False, None),
    ("Completed, Rejected", True, False, True, "rejected"),
    ("Completed, Errored", True, False, True, "errored"),
    ("Completed, TimedOut", True, False, True, "timed_out"),
    ("Completed, Cancelled", True, False, True, "cancelled"),
    ("Completed, Aborted", True, False, True, "aborted"),
    ("Completed", True, False, True, "errored"),
]


@pytest.mark.parametrize(("state", "completed", "succeeded", "failed", "kind"), STATES)
def test_every_transfer_state_is_parsed(state, completed, succeeded, failed, kind):
    transfer = Transfer.from_api(transfer_record(state=state))
    assert transfer.state == state
    assert (transfer.is_completed, transfer.is_succeeded, transfer.is_failed) == (
        completed,
        succeeded,
        failed,
    )
    assert transfer.failure_kind == kind
    assert transfer.is_active is not completed
    assert transfer.is_queued_remotely is (state == "Queued, Remotely")


def test_a_transfer_parses_dates_numbers_and_optional_fields():
    transfer = Transfer.from_api(
        transfer_record(
            state="Completed, Rejected",
            size="27345678",
            enqueuedAt="2026-08-22T18:12:01.2000000",
            startedAt="2026-08-22T18:12:02.0000000Z",
            endedAt="2026-08-22T18:12:02.0000000Z",
            exception="Transfer rejected: File not shared.",
            placeInQueue=4,
            averageSpeed=4971941.45,
            startOffset=0,
            stateDescription="Completed, Rejected",
        )
    )
    assert transfer.size == 27345678
    assert transfer.requested_at == datetime(2026, 8, 22, 18, 12, 0, 123456, UTC)
    assert transfer.enqueued_at == datetime(2026, 8, 22, 18, 12, 1, 200000, UTC)
    assert transfer.started_at == transfer.ended_at
    assert transfer.exception == "Transfer rejected: File not shared."
    assert (transfer.place_in_queue, transfer.average_speed) == (4, 4971941.45)
    assert transfer.directory == ALBUM_DIR


def test_a_transfer_with_omitted_fields_gets_safe_defaults():
    transfer = Transfer.from_api({"id": "t", "filename": "a/b/c.mp3"}, "someone")
    assert (transfer.username, transfer.state, transfer.size, transfer.removed) == (
        "someone",
        "None",
        0,
        False,
    )
    assert transfer.place_in_queue is None and transfer.ended_at is None
    assert transfer.directory == "a/b"


@pytest.mark.parametrize(
    ("state", "attempts", "ended_ago", "retry_attempts", "final"),
    [
        ("Completed, Rejected", 1, 1, 3, True),
        ("Completed, Cancelled", 1, 1, 3, True),
        ("Completed, Aborted", 1, 1, 3, True),
        ("Completed, Errored", 1, 1, 3, False),
        ("Completed, TimedOut", 2, 5, 3, False),
        ("Completed, TimedOut", 3, 1, 3, True),
        ("Completed, Errored", 1, 120, 3, True),
        ("Completed, Errored", 0, 1, 1, True),
        ("Completed, Succeeded", 1, 1, 3, False),
        ("InProgress", 1, 1, 3, False),
    ],
)
def test_a_failure_is_final_only_when_slskd_will_not_retry_it(
    state, attempts, ended_ago, retry_attempts, final
):
    now = datetime(2026, 8, 22, 18, 0, tzinfo=UTC)
    ended = (now - timedelta(seconds=ended_ago)).isoformat().replace("+00:00", "Z")
    transfer = Transfer.from_api(transfer_record(state=state, attempts=attempts, endedAt=ended))
    assert transfer.is_final_failure(retry_attempts, now=now) is final

"""Enqueueing downloads on new and old slskd, with the failures slskd can answer."""

from __future__ import annotations

import json

import httpx
import pytest

from downloads.slskd import SlskdError, SlskdProtocolError, SlskdUnreachable, SlskdUserOffline
from tests.downloads.slskd.support import SONG_1, SONG_2, js, transfer_record, user_listing


def test_enqueue_posts_exact_filenames_and_sizes_and_reads_ids_from_the_reply(fake, client):
    first, second = transfer_record(SONG_1), transfer_record(SONG_2, size=22100456)
    fake.on(
        "POST", "/transfers/downloads/flacfan", js({"enqueued": [first, second], "failed": []}, 201)
    )

    transfers = client.enqueue("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    (posted,) = fake.calls("POST", "/transfers/downloads/flacfan")
    assert json.loads(posted.content) == [
        {"filename": SONG_1, "size": 27345678},
        {"filename": SONG_2, "size": 22100456},
    ]
    assert posted.headers["Content-Type"] == "application/json"
    assert [t.id for t in transfers] == [first["id"], second["id"]]
    assert transfers[0].state == "Queued, Locally" and transfers[0].username == "flacfan"
    # an slskd that cannot say its version is asked the pre-0.26 way: nothing else was sent
    assert [r.url.path for r in fake.requests] == [
        "/api/v0/application/version",
        "/api/v0/transfers/downloads/flacfan",
    ]


def test_enqueue_escapes_every_character_of_the_username(fake, client):
    fake.on(
        "POST",
        "/transfers/downloads/dj%2Fshadow%20%3F",
        js({"enqueued": [transfer_record()], "failed": []}, 201),
    )
    client.enqueue("dj/shadow ?", [(SONG_1, 27345678)])
    assert fake.requests[-1].url.raw_path == b"/api/v0/transfers/downloads/dj%2Fshadow%20%3F"


@pytest.mark.parametrize(("username", "raw"), [("..", "%2E%2E"), (".", "%2E"), ("a..b", "a..b")])
def test_dot_usernames_are_not_resolved_into_another_route(fake, client, username, raw):
    record = transfer_record(username=username)
    fake.on("GET", f"/transfers/downloads/{raw}/{record['id']}", js(record))
    assert client.get_transfer(username, record["id"]).username == username


def test_enqueue_on_old_slskd_resolves_ids_from_the_listing(fake, client):
    stale = transfer_record(
        SONG_1, "Completed, Succeeded", requestedAt="2026-08-01T10:00:00.0000000"
    )
    fresh = transfer_record(SONG_1, "Queued, Remotely", requestedAt="2026-08-22T18:12:00.0000000")
    removed = transfer_record(
        SONG_1, "Queued, Remotely", requestedAt="2026-08-23T00:00:00", removed=True
    )
    second = transfer_record(SONG_2, "Queued, Remotely")
    fake.on("POST", "/transfers/downloads/flacfan", httpx.Response(201))
    fake.on(
        "GET",
        "/transfers/downloads/flacfan",
        httpx.Response(404),
        js(user_listing(stale, fresh)),
        js(user_listing(stale, removed, fresh, second)),
    )

    transfers = client.enqueue("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    assert [t.id for t in transfers] == [fresh["id"], second["id"]]
    assert len(fake.calls("GET", "/transfers/downloads/flacfan")) == 3


def test_enqueue_takes_an_already_active_transfer_for_a_failed_filename(fake, client):
    active = transfer_record(SONG_2, "InProgress")
    fake.on(
        "POST",
        "/transfers/downloads/flacfan",
        js({"enqueued": [transfer_record(SONG_1)], "failed": [SONG_2]}, 201),
    )
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(active)))

    result = client.enqueue_files("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    assert [t.filename for t in result.transfers] == [SONG_1, SONG_2]
    assert result.transfers[1].id == active["id"]
    assert result.failed == []


def test_enqueue_reports_a_refused_file_and_ignores_its_finished_old_record(fake, client):
    old = transfer_record(SONG_2, "Completed, Rejected")
    fake.on(
        "POST",
        "/transfers/downloads/flacfan",
        js({"enqueued": [transfer_record(SONG_1)], "failed": [{}]}, 201),
    )
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(old)))

    result = client.enqueue_files("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    assert [t.filename for t in result.transfers] == [SONG_1]
    assert [f.filename for f in result.failed] == [SONG_2]


def test_enqueue_reads_failure_messages_sent_as_objects(fake, client):
    failure = {"filename": SONG_1, "message": "Error: peer refused"}
    fake.on("POST", "/transfers/downloads/flacfan", js({"enqueued": [], "failed": [failure]}, 201))
    fake.on("GET", "/transfers/downloads/flacfan", httpx.Response(404))

    result = client.enqueue_files("flacfan", [(SONG_1, 27345678)])
    assert result.failed[0].message == "Error: peer refused"
    with pytest.raises(SlskdError, match="peer refused"):
        client.enqueue("flacfan", [(SONG_1, 27345678)])


def test_enqueue_from_an_offline_user_is_user_offline(fake, client):
    fake.on("POST", "/transfers/downloads/ghost", js("User ghost appears to be offline", 500))
    with pytest.raises(SlskdUserOffline, match="ghost appears to be offline"):
        client.enqueue("ghost", [(SONG_1, 27345678)])


def test_a_429_on_enqueue_is_retried(fake, client):
    reply = js({"enqueued": [transfer_record()], "failed": []}, 201)
    fake.on("POST", "/transfers/downloads/flacfan", js("busy", 429), reply)
    assert len(client.enqueue("flacfan", [(SONG_1, 27345678)])) == 1


def test_a_timed_out_legacy_enqueue_that_worked_is_found_in_the_listing(fake, client):
    record = transfer_record(SONG_1, "Queued, Remotely")
    fake.on("POST", "/transfers/downloads/flacfan", httpx.ReadTimeout("slow peer"))
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(record)))
    assert [t.id for t in client.enqueue("flacfan", [(SONG_1, 27345678)])] == [record["id"]]


def test_a_legacy_500_keeps_the_files_that_were_queued_all_the_same(fake, client):
    queued = transfer_record(SONG_1, "Queued, Remotely")
    failed = transfer_record(SONG_2, "Completed, Errored")
    message = "One or more errors occurred. (Transfer failed: peer went away)"
    fake.on("POST", "/transfers/downloads/flacfan", js(message, 500))
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(queued, failed)))

    result = client.enqueue_files("flacfan", [(SONG_1, 27345678), (SONG_2, 22100456)])

    assert [t.id for t in result.transfers] == [queued["id"]]
    assert [f.filename for f in result.failed] == [SONG_2]
    assert "peer went away" in result.failed[0].message


def test_a_500_with_nothing_queued_is_raised(fake, client):
    fake.on("POST", "/transfers/downloads/flacfan", js("Object reference not set", 500))
    fake.on("GET", "/transfers/downloads/flacfan", httpx.ConnectError("Connection refused"))
    with pytest.raises(SlskdProtocolError, match="Object reference not set"):
        client.enqueue("flacfan", [(SONG_1, 27345678)])


def test_a_refused_connection_on_enqueue_is_not_papered_over(fake, client):
    fake.on("POST", "/transfers/downloads/flacfan", httpx.ConnectError("Connection refused"))
    with pytest.raises(SlskdUnreachable):
        client.enqueue("flacfan", [(SONG_1, 27345678)])
    assert len(fake.calls("POST", "/transfers/downloads/flacfan")) == 1


def test_an_unreadable_enqueue_reply_falls_back_to_the_listing(fake, client):
    record = transfer_record(SONG_1)
    fake.on("POST", "/transfers/downloads/flacfan", httpx.Response(201, content=b"{oops"))
    fake.on("GET", "/transfers/downloads/flacfan", js(user_listing(record)))
    assert client.enqueue("flacfan", [(SONG_1, 27345678)])[0].id == record["id"]

from __future__ import annotations

import json
import logging

import pytest

from soulspot.lib import queue
from soulspot.lib.logging import JsonFormatter
from soulspot.lib.request_id import RequestIdFilter, current_request_id


def test_each_response_carries_a_request_id(client) -> None:
    first = client.get("/api/health")["X-Request-ID"]
    second = client.get("/api/health")["X-Request-ID"]
    assert first and second and first != second


def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client) -> None:
    assert (
        client.get("/api/health", headers={"X-Request-ID": "abc-123"})["X-Request-ID"] == "abc-123"
    )
    hostile = client.get("/api/health", headers={"X-Request-ID": "x\ny: injected"})["X-Request-ID"]
    assert "\n" not in hostile and hostile != "x\ny: injected"


def test_log_lines_are_json_with_the_request_id() -> None:
    record = logging.makeLogRecord(
        {"msg": "hello %s", "args": ("world",), "levelname": "INFO", "name": "t"}
    )
    record.job_id = 7
    token = queue.set_request_id("req-1")
    try:
        RequestIdFilter().filter(record)
    finally:
        queue.reset_request_id(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello world"
    assert line["request_id"] == "req-1"
    assert line["job_id"] == 7


@pytest.mark.django_db
def test_a_task_enqueued_by_a_request_runs_with_that_request_id(monkeypatch) -> None:
    captured = {}

    def fake_async_task(func: str, *args: object, **kwargs: object) -> str:
        captured["args"] = args
        return "task-id"

    monkeypatch.setattr(queue, "async_task", fake_async_task)
    token = queue.set_request_id("req-42")
    try:
        queue.enqueue("tests.soulspot.test_request_id.report_request_id")
    finally:
        queue.reset_request_id(token)
    assert current_request_id() == ""
    # The worker side: run_task restores the id around the task.
    assert queue.run_task(*captured["args"]) == "req-42"
    assert current_request_id() == ""


def report_request_id() -> str:
    return current_request_id()


def test_each_request_writes_one_access_line_with_its_id(client, caplog) -> None:
    with caplog.at_level("INFO", logger="soulspot.request"):
        response = client.get("/api/health", headers={"X-Request-ID": "req-77"})
    (line,) = [r for r in caplog.records if r.name == "soulspot.request"]
    assert (line.method, line.path, line.status) == ("GET", "/api/health", 200)
    assert line.request_id == "req-77" == response["X-Request-ID"]
    assert line.duration_ms >= 0

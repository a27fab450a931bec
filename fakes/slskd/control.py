"""`/_fake/...`: runtime controls for tests and the demo. No authentication, no url_base."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from .httpd import HttpError, Reply, Request, Route, Router, empty, json_reply, message
from .network import Failure

if TYPE_CHECKING:
    from .fake import FakeSlskd


def stats(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply(fake.stats.to_json())


def reset(fake: FakeSlskd, req: Request) -> Reply:
    """Forget searches/transfers/events/stats, undo runtime controls; `{"files": true}` also
    empties the downloads and incomplete directories."""
    body = _optional_json(req)
    fake.reset(wipe_files=bool(body.get("files")))
    return empty(204)


def disconnect(fake: FakeSlskd, req: Request) -> Reply:
    fake.disconnect()
    return empty(204)


def connect(fake: FakeSlskd, req: Request) -> Reply:
    fake.connect()
    return empty(204)


def user_offline(fake: FakeSlskd, req: Request) -> Reply:
    return _set_online(fake, req, False)


def user_online(fake: FakeSlskd, req: Request) -> Reply:
    return _set_online(fake, req, True)


def add_failure(fake: FakeSlskd, req: Request) -> Reply:
    """Body: Failure fields, e.g. `{"user":"flaky","fail":"errored","after_bytes":10000}`."""
    body = _optional_json(req)
    known = {f.name for f in dataclasses.fields(Failure)} - {"hits"}
    fields = {key.replace("afterBytes", "after_bytes"): value for key, value in body.items()}
    unknown = set(fields) - known
    if unknown or "fail" not in fields:
        return message(400, f"need 'fail'; unknown keys: {sorted(unknown)}")
    try:
        failure = fake.add_failure(**fields)
    except (TypeError, ValueError) as exc:
        return message(400, str(exc))
    return json_reply(failure.to_json(), 201)


def clear_failures(fake: FakeSlskd, req: Request) -> Reply:
    fake.clear_failures()
    return empty(204)


def add_break(fake: FakeSlskd, req: Request) -> Reply:
    """Body: Break fields, e.g. `{"route":"searches","mode":"malformed_json","count":1}`."""
    body = _optional_json(req)
    try:
        rule = fake.break_route(**body)
    except (TypeError, ValueError) as exc:
        return message(400, str(exc))
    return json_reply(dataclasses.asdict(rule), 201)


def clear_breaks(fake: FakeSlskd, req: Request) -> Reply:
    fake.breaks.clear()
    return empty(204)


def get_config(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply(fake.config.as_dict())


def set_config(fake: FakeSlskd, req: Request) -> Reply:
    """Change FakeConfig fields at runtime, e.g. `{"speed_scale": 5}`."""
    try:
        fake.config.update(_optional_json(req))
    except (TypeError, ValueError) as exc:
        return message(400, str(exc))
    return json_reply(fake.config.as_dict())


def transfers(fake: FakeSlskd, req: Request) -> Reply:
    """Every record including fake-only details (where the file landed)."""
    with fake.lock:
        rows = [
            {**t.to_json(), "localPath": str(t.local_path) if t.local_path else None}
            for t in fake.transfers.transfers.values()
        ]
    return json_reply(rows)


def scenario(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply(fake.network.to_scenario())


def _set_online(fake: FakeSlskd, req: Request, online: bool) -> Reply:
    try:
        fake.set_user_online(req.params["username"], online)
    except KeyError:
        return message(404, f"no such user in the fake network: {req.params['username']}")
    return empty(204)


def _optional_json(req: Request) -> dict[str, Any]:
    if not req.body.strip():
        return {}
    body = req.json()
    if not isinstance(body, dict):
        raise HttpError(message(400, "expected a JSON object"))
    return body


def _r(method: str, path: str, handler: object) -> Route:
    return Route(method, tuple(path.split("/")), handler, f"{method} {path}")  # type: ignore[arg-type]


CONTROL_ROUTER = Router(
    [
        _r("GET", "stats", stats),
        _r("POST", "reset", reset),
        _r("POST", "disconnect", disconnect),
        _r("POST", "connect", connect),
        _r("POST", "users/{username}/offline", user_offline),
        _r("POST", "users/{username}/online", user_online),
        _r("POST", "failures", add_failure),
        _r("DELETE", "failures", clear_failures),
        _r("POST", "break", add_break),
        _r("DELETE", "break", clear_breaks),
        _r("GET", "config", get_config),
        _r("POST", "config", set_config),
        _r("GET", "transfers", transfers),
        _r("GET", "scenario", scenario),
    ]
)

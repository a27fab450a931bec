"""Health, session, application/server state, options and events endpoints (spec §2, §5, §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .httpd import HttpError, Reply, Request, empty, json_reply, message
from .wire import as_int, lower_keys

if TYPE_CHECKING:
    from .fake import FakeSlskd


def health(fake: FakeSlskd, req: Request) -> Reply:
    """`MapHealthChecks("/health")` with no checks: always Healthy, even when disconnected."""
    return Reply(200, b"Healthy", "text/plain")


def session_enabled(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply(not fake.config.auth_disabled)


def session_check(fake: FakeSlskd, req: Request) -> Reply:
    """Reaching the handler means the authentication was valid."""
    return empty(200)


def session_login(fake: FakeSlskd, req: Request) -> Reply:
    """POST /session: a TokenResponse, 400 for blank fields, 401 (empty) for wrong ones."""
    body = req.json()
    fields = lower_keys(body) if isinstance(body, dict) else {}
    username, password = fields.get("username"), fields.get("password")
    if not all(isinstance(v, str) and v.strip() for v in (username, password)):
        return message(400, "Username and/or Password missing or invalid")
    token = fake.auth.login(username, password)
    return json_reply(token) if token else empty(401)


def application(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply(application_state(fake))


def version(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply(fake.config.version)


def version_latest(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply(_version(fake))


def server_get(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply(server_state(fake))


def server_connect(fake: FakeSlskd, req: Request) -> Reply:
    fake.connect()
    return empty(200)


def server_disconnect(fake: FakeSlskd, req: Request) -> Reply:
    fake.disconnect()
    return empty(204)


def options(fake: FakeSlskd, req: Request) -> Reply:
    return json_reply(options_json(fake))


def events(fake: FakeSlskd, req: Request) -> Reply:
    """Newest first, paged by offset/limit, total in `X-Total-Count`."""
    try:
        offset = as_int(req.query.get("offset") or 0)
        limit = as_int(req.query.get("limit") or 100)
    except ValueError as exc:
        raise HttpError(message(400, str(exc))) from exc
    if offset < 0 or limit < 1:
        return message(400, "Offset must be greater than or equal to zero and limit positive")
    page, total = fake.events.page(offset, limit)
    reply = json_reply(page)
    reply.headers["X-Total-Count"] = str(total)
    return reply


def raise_event(fake: FakeSlskd, req: Request) -> Reply:
    """POST /events/{type}: a test event whose body is a JSON string "disambiguator"."""
    body = req.json() if req.body.strip() else None
    data = {"disambiguator": body} if isinstance(body, str) else {}
    event = fake.events.add(req.params["type"], data)
    return json_reply(event.to_json(), 201)


def server_state(fake: FakeSlskd) -> dict[str, Any]:
    """The `server` object; address and endpoint are omitted while disconnected."""
    if fake.connected:
        return {
            "address": "vps.slsknet.org",
            "ipEndPoint": "208.76.170.59:2271",
            "state": "Connected, LoggedIn",
            "isConnected": True,
            "isConnecting": False,
            "isLoggedIn": True,
            "isLoggingIn": False,
            "isTransitioning": False,
        }
    return {
        "state": "Disconnected",
        "isConnected": False,
        "isConnecting": False,
        "isLoggedIn": False,
        "isLoggingIn": False,
        "isTransitioning": False,
    }


def application_state(fake: FakeSlskd) -> dict[str, Any]:
    """`GET /application`: the full State object."""
    return {
        "version": _version(fake),
        "pendingReconnect": False,
        "pendingRestart": False,
        "server": server_state(fake),
        "connectionWatchdog": {
            "isEnabled": True,
            "isAttemptingConnection": not fake.connected,
            "isAwaitingVpn": False,
        },
        "vpn": {"isReady": False, "isConnected": False},
        "relay": {"mode": "Controller", "controller": {"state": "Disconnected"}, "agents": []},
        "health": {"search": {"incoming": {"latency": 0, "queueDepth": 0, "dropRate": 0}}},
        "user": {
            "username": fake.config.soulseek_username,
            "privileges": {"isPrivileged": False, "privilegesRemaining": 0},
            "statistics": {
                "averageSpeed": 0,
                "directoryCount": 0,
                "fileCount": 0,
                "uploadCount": 0,
            },
        },
        "distributedNetwork": {
            "branchLevel": 0,
            "canAcceptChildren": False,
            "childLimit": 25,
            "children": [],
            "hasParent": False,
            "isBranchRoot": False,
        },
        "shares": {
            "scanPending": False,
            "scanning": False,
            "ready": True,
            "faulted": False,
            "cancelled": False,
            "scanProgress": 1,
            "hosts": ["local"],
            "directories": 0,
            "files": 0,
        },
        "rooms": [],
        "users": [],
    }


def _version(fake: FakeSlskd) -> dict[str, Any]:
    current = fake.config.version
    return {
        "full": f"{current} ({current}+5770c7e4)",
        "current": current,
        "latest": current,
        "isUpdateAvailable": False,
        "isCanary": False,
        "isDevelopment": False,
    }


def options_json(fake: FakeSlskd) -> dict[str, Any]:
    """The option paths a downloader reads (secrets redacted like slskd does)."""
    cfg = fake.config
    download: dict[str, Any] = {}
    if cfg.is_026:
        download = {
            "retry": {
                "attempts": cfg.retry_attempts,
                "delay": round(cfg.retry_delay * 1000),
                "maxDelay": round(cfg.retry_max_delay * 1000),
            },
            "destination": {"subdirectory": cfg.destination_subdirectory, "exists": "rename"},
        }
    return {
        "debug": False,
        "headless": False,
        "directories": {
            "incomplete": str(fake.incomplete_dir),
            "downloads": str(fake.downloads_dir),
        },
        "global": {
            "upload": {"slots": 20, "speedLimit": 2147483647},
            "download": {"slots": 2147483647, "speedLimit": 2147483647},
        },
        "transfers": {"download": download},
        "web": {
            "port": fake.port or 5030,
            "urlBase": cfg.url_base,
            "authentication": {
                "disabled": cfg.auth_disabled,
                "username": cfg.username,
                "password": "*****",
                "jwt": {"key": "*****", "ttl": cfg.jwt_ttl_seconds * 1000},
                "apiKeys": {},
            },
        },
        "soulseek": {
            "address": "vps.slsknet.org",
            "port": 2271,
            "username": cfg.soulseek_username,
            "password": "*****",
        },
    }

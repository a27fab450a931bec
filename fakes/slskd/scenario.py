"""Reading JSON scenarios into a Network (the format is documented in README.md).

Keys are matched ignoring case and underscores, so `hasFreeUploadSlot`, `has_free_upload_slot`
and `after_bytes`/`afterBytes` all work.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .network import Network, User

_USER_FIELDS = {
    "online": "online",
    "hasfreeuploadslot": "has_free_upload_slot",
    "queuelength": "queue_length",
    "uploadspeed": "upload_speed",
    "uploadslots": "upload_slots",
    "description": "description",
    "root": "root",
    "separator": "separator",
    "searchdelay": "search_delay",
    "remotequeuetime": "remote_queue_time",
    "blankextensions": "blank_extensions",
}
_SHARE_FIELDS = {
    "size": "size",
    "attributes": "attributes",
    "omit": "omit",
    "extension": "extension",
    "locked": "locked",
}
_FAILURE_FIELDS = {
    "user": "user",
    "file": "file",
    "fail": "fail",
    "message": "message",
    "afterbytes": "after_bytes",
    "times": "times",
}


class ScenarioError(ValueError):
    """The scenario file is not valid; the message says where."""


def read_scenario(root: Path, path: Path | None) -> dict[str, Any]:
    """Parse `path` (default `<root>/scenario.json`); a missing default means an empty network."""
    if path is None:
        path = Path(root) / "scenario.json"
        if not path.exists():
            return {}
    try:
        return json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc}") from exc


def apply_scenario(network: Network, data: dict[str, Any]) -> None:
    """Add the scenario's users, shares, folders and failures to `network`."""
    data = _norm(data, "scenario")
    for index, raw in enumerate(data.get("users", [])):
        _add_user(network, _norm(raw, f"users[{index}]"))
    for index, raw in enumerate(data.get("failures", [])):
        kwargs = _pick(_norm(raw, f"failures[{index}]"), _FAILURE_FIELDS, f"failures[{index}]")
        try:
            network.add_failure(**kwargs)
        except (TypeError, ValueError) as exc:
            raise ScenarioError(f"failures[{index}]: {exc}") from exc
    network.config.update(data.get("config", {}))


def _add_user(network: Network, raw: dict[str, Any]) -> User:
    if not raw.get("name"):
        raise ScenarioError("every user needs a name")
    where = f"user {raw['name']!r}"
    known = {*_USER_FIELDS, "name", "shares", "folders"}
    _reject_unknown(raw, known, where)
    kwargs = _pick({k: v for k, v in raw.items() if k in _USER_FIELDS}, _USER_FIELDS, where)
    user = network.add_user(raw["name"], **kwargs)
    for remote, spec in _share_items(raw.get("shares", {}), where):
        if isinstance(spec, str):
            user.share(remote, spec)
            continue
        spec = _norm(spec, f"{where} share {remote!r}")
        if "file" not in spec:
            raise ScenarioError(f"{where} share {remote!r} needs a 'file'")
        extra = {k: v for k, v in spec.items() if k != "file"}
        user.share(remote, spec["file"], **_pick(extra, _SHARE_FIELDS, f"{where} share"))
    for remote_dir, local_dir in raw.get("folders", {}).items():
        user.share_folder(remote_dir, local_dir)
    return user


def _share_items(shares: Any, where: str) -> list[tuple[str, Any]]:
    """Shares as a `{remote: local-or-spec}` object or a list of `{"path": ..., ...}` objects."""
    if isinstance(shares, dict):
        return list(shares.items())
    if isinstance(shares, list):
        items = []
        for entry in shares:
            entry = dict(entry)
            if "path" not in entry:
                raise ScenarioError(f"{where}: list shares need a 'path'")
            items.append((entry.pop("path"), entry))
        return items
    raise ScenarioError(f"{where}: 'shares' must be an object or a list")


def _norm(obj: Any, where: str) -> dict[str, Any]:
    """Keys lower-cased without underscores; the original `name`/`file` values are kept."""
    if not isinstance(obj, dict):
        raise ScenarioError(f"{where} must be a JSON object")
    return {key.replace("_", "").lower(): value for key, value in obj.items()}


def _pick(raw: dict[str, Any], mapping: dict[str, str], where: str) -> dict[str, Any]:
    _reject_unknown(raw, set(mapping), where)
    return {mapping[key]: value for key, value in raw.items() if key in mapping}


def _reject_unknown(raw: dict[str, Any], known: set[str], where: str) -> None:
    """Typos in a scenario should fail loudly, not silently change the test."""
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ScenarioError(f"{where}: unknown keys {unknown}")

"""The simulated Soulseek network: peers, what they share, and scripted failures.

Build one in code (`Network.build(root).add_user(...).share(...)`) or load a JSON scenario
(format in README.md). Local files are real audio files under `root`; search results report
their real size and the attributes mutagen reads from them, unless a share overrides them.
"""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .attributes import apply_overrides, attribute_list, extension_of, read_attributes
from .remote import SearchQuery, base_name

FAILURE_KINDS = ("rejected", "errored", "timed_out", "offline", "queued_forever")


@dataclass
class SharedFile:
    """One file a peer shares: the remote name clients see and the local file behind it."""

    remote: str
    local: Path
    size: int | None = None  # reported size; None = the real size
    attributes: dict[str, Any] = field(default_factory=dict)  # overrides, camelCase keys
    omit: tuple[str, ...] = ()  # attributes the peer leaves out
    extension: str | None = None  # reported `extension`; None = derived from the name
    locked: bool = False  # listed under lockedFiles and refused on download
    # slskd 0.26 refuses the file while enqueueing ("Error: <this>" in a batch's failures)
    enqueue_error: str | None = None

    def real_size(self) -> int:
        """Bytes the peer actually sends (the transfer checks the enqueued size against it)."""
        try:
            return self.local.stat().st_size
        except OSError:
            return 0

    def reported_size(self) -> int:
        """The size search and browse results advertise."""
        return self.real_size() if self.size is None else self.size

    def reported_attributes(self) -> dict[str, Any]:
        """Real attributes for the format, then the scenario's overrides and omissions."""
        real = read_attributes(self.local, self.remote)
        return apply_overrides(real, self.attributes, self.omit)

    def search_json(self, *, blank_extension: bool = False) -> dict[str, Any]:
        """A `File` of a search response: full remote path, `isLocked` always false."""
        attrs = self.reported_attributes()
        return {**self._flattened(attrs, blank_extension, self.remote), "isLocked": False}

    def browse_json(self, *, blank_extension: bool = False) -> dict[str, Any]:
        """A `File` of a browse/directory result: bare name plus the attributes array."""
        attrs = self.reported_attributes()
        listed = attribute_list(attrs)
        flat = self._flattened(attrs, blank_extension, base_name(self.remote))
        return {"attributeCount": len(listed), "attributes": listed, **flat}

    def _flattened(self, attrs: dict[str, Any], blank: bool, filename: str) -> dict[str, Any]:
        """Fields in slskd's (alphabetical) property order; absent attributes are omitted."""
        ext = self.extension if self.extension is not None else extension_of(self.remote)
        obj = {
            "bitDepth": attrs.get("bitDepth"),
            "bitRate": attrs.get("bitRate"),
            "code": 1,
            "extension": "" if blank and self.extension is None else ext,
            "filename": filename,
            "isVariableBitRate": attrs.get("isVariableBitRate"),
            "length": attrs.get("length"),
            "sampleRate": attrs.get("sampleRate"),
            "size": self.reported_size(),
        }
        return {key: value for key, value in obj.items() if value is not None}


@dataclass
class Failure:
    """A scripted failure for a user's downloads (every file, or one `file`)."""

    fail: str  # one of FAILURE_KINDS
    user: str | None = None  # None = any user
    file: str | None = None  # full remote name, or the path relative to the user's root
    message: str | None = None
    after_bytes: int = 0  # errored/timed_out: how many bytes arrive before it happens
    times: int | None = None  # attempts it affects; None = every attempt
    hits: int = 0

    def __post_init__(self) -> None:
        if self.fail not in FAILURE_KINDS:
            raise ValueError(f"unknown failure {self.fail!r}; expected one of {FAILURE_KINDS}")

    def applies(self, user: User | None, username: str, filename: str) -> bool:
        """Still armed, and aimed at this user and file."""
        if self.times is not None and self.hits >= self.times:
            return False
        if self.user is not None and self.user != username:
            return False
        if self.file is None:
            return True
        return filename == self.file or (user is not None and filename == user.remote(self.file))

    def to_json(self) -> dict[str, Any]:
        """Scenario form (the `hits` counter is runtime state and not saved)."""
        obj = {"user": self.user, "file": self.file, "fail": self.fail, "message": self.message}
        obj |= {"after_bytes": self.after_bytes or None, "times": self.times}
        return {key: value for key, value in obj.items() if value is not None}


@dataclass
class User:
    """A peer. `root` (e.g. `@@xkqtz`) prefixes every shared path with `separator`."""

    name: str
    online: bool = True
    has_free_upload_slot: bool = True
    queue_length: int = 0
    upload_speed: int = 1_048_576  # bytes/s, before speed_scale
    upload_slots: int = 3
    description: str = "Shared with slskd"
    root: str = ""
    separator: str = "\\"
    search_delay: float | None = None  # seconds after the search starts; None = by order
    remote_queue_time: float | None = None  # seconds in Queued, Remotely; None = config
    blank_extensions: bool = False  # report `extension: ""` like some clients do
    files: list[SharedFile] = field(default_factory=list)
    network_root: Path | None = field(default=None, repr=False)

    def remote(self, path: str) -> str:
        """The full remote name for a path relative to the root (verbatim without a root)."""
        return f"{self.root}{self.separator}{path}" if self.root else path

    def share(self, remote_path: str, local_file: Path | str, **overrides: Any) -> SharedFile:
        """Share `local_file` as `root + sep + remote_path`; overrides are SharedFile fields."""
        local = Path(local_file)
        if not local.is_absolute() and self.network_root is not None:
            local = self.network_root / local
        if "omit" in overrides:
            overrides["omit"] = tuple(overrides["omit"])
        shared = SharedFile(remote=self.remote(remote_path), local=local, **overrides)
        self.files.append(shared)
        return shared

    def share_folder(self, remote_dir: str, local_dir: Path | str) -> list[SharedFile]:
        """Share every file of `local_dir` (not recursive) under `remote_dir`, sorted by name."""
        local = Path(local_dir)
        if not local.is_absolute() and self.network_root is not None:
            local = self.network_root / local
        children = sorted(p for p in local.iterdir() if p.is_file())
        return [self.share(f"{remote_dir}{self.separator}{p.name}", p) for p in children]

    def find(self, filename: str) -> SharedFile | None:
        """The share with exactly this remote name (Soulseek names are case-sensitive)."""
        return next((f for f in self.files if f.remote == filename), None)

    def to_json(self) -> dict[str, Any]:
        """Scenario form; shares are written with full remote names, so `root` is informative."""
        shares = {f.remote[len(self.remote("")) :]: _share_json(f) for f in self.files}
        obj = {
            "name": self.name,
            "online": self.online,
            "hasFreeUploadSlot": self.has_free_upload_slot,
            "queueLength": self.queue_length,
            "uploadSpeed": self.upload_speed,
            "uploadSlots": self.upload_slots,
            "description": self.description,
            "root": self.root or None,
            "separator": self.separator,
            "searchDelay": self.search_delay,
            "remoteQueueTime": self.remote_queue_time,
            "blankExtensions": self.blank_extensions or None,
            "shares": shares,
        }
        return {key: value for key, value in obj.items() if value is not None}


class Network:
    """All peers and scripted failures; thread-safe for the fake's request threads."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root).resolve() if root is not None else None
        self.users: dict[str, User] = {}
        self.failures: list[Failure] = []
        self.config: dict[str, Any] = {}  # optional FakeConfig overrides from the scenario
        self.lock = threading.RLock()

    @classmethod
    def build(cls, root: Path) -> Network:
        """An empty network whose relative local paths resolve under `root` (created)."""
        Path(root).mkdir(parents=True, exist_ok=True)
        return cls(root)

    @classmethod
    def load(cls, root: Path, scenario: Path | dict[str, Any] | None = None) -> Network:
        """Load `scenario` (a path or dict; default `<root>/scenario.json`) over `root`."""
        from .scenario import apply_scenario, read_scenario

        network = cls(root)
        data = scenario if isinstance(scenario, dict) else read_scenario(root, scenario)
        apply_scenario(network, data)
        return network

    def add_user(self, name: str, **fields: Any) -> User:
        """Add (or replace) a peer; keyword arguments are User fields."""
        user = User(name=name, network_root=self.root, **fields)
        with self.lock:
            self.users[name] = user
        return user

    def add_failure(self, fail: str, user: str | None = None, **fields: Any) -> Failure:
        """Script a failure (see Failure); returns it so callers can inspect `hits`."""
        failure = Failure(fail=fail, user=user, **fields)
        with self.lock:
            self.failures.append(failure)
        return failure

    def user(self, name: str) -> User | None:
        """The peer called `name`, or None (an unknown peer behaves as offline)."""
        with self.lock:
            return self.users.get(name)

    def set_online(self, name: str, online: bool) -> None:
        """Runtime control: take a peer off or back on the network."""
        with self.lock:
            if name not in self.users:
                raise KeyError(name)
            self.users[name].online = online

    def take_failure(self, username: str, filename: str) -> Failure | None:
        """The first armed failure for this download attempt, counting it as used."""
        with self.lock:
            user = self.users.get(username)
            for failure in self.failures:
                if failure.applies(user, username, filename):
                    failure.hits += 1
                    return failure
        return None

    def search(self, text: str) -> list[tuple[User, list[SharedFile], list[SharedFile]]]:
        """Online peers with matches, in reply order: `(user, files, locked_files)`."""
        query = SearchQuery(text)
        found = []
        with self.lock:
            for user in self.users.values():
                hits = [f for f in user.files if user.online and query.matches(f.remote)]
                if hits:
                    unlocked = [f for f in hits if not f.locked]
                    found.append((user, unlocked, [f for f in hits if f.locked]))
        return found

    def snapshot(self) -> tuple[dict[str, bool], list[Failure]]:
        """Online flags and failures, so /_fake/reset can undo runtime controls."""
        with self.lock:
            online = {name: user.online for name, user in self.users.items()}
            return online, copy.deepcopy(self.failures)

    def restore(self, snapshot: tuple[dict[str, bool], list[Failure]]) -> None:
        """Undo runtime changes made since `snapshot()`."""
        online, failures = snapshot
        with self.lock:
            for name, flag in online.items():
                if name in self.users:
                    self.users[name].online = flag
            self.failures = copy.deepcopy(failures)

    def to_scenario(self) -> dict[str, Any]:
        """The JSON scenario describing this network (local paths relative to root if inside)."""
        with self.lock:
            data: dict[str, Any] = {"users": [self._user_json(u) for u in self.users.values()]}
            if self.failures:
                data["failures"] = [f.to_json() for f in self.failures]
            if self.config:
                data["config"] = dict(self.config)
        return data

    def save_scenario(self, path: Path | None = None) -> Path:
        """Write the scenario (default `<root>/scenario.json`) and return its path."""
        if path is None:
            if self.root is None:
                raise ValueError("a network without a root needs an explicit scenario path")
            path = self.root / "scenario.json"
        path = Path(path)
        path.write_text(json.dumps(self.to_scenario(), indent=2, ensure_ascii=False) + "\n")
        return path

    def _user_json(self, user: User) -> dict[str, Any]:
        data = user.to_json()
        for value in data["shares"].values():
            if isinstance(value, dict):
                value["file"] = self._relative(Path(value["file"]))
        data["shares"] = {
            key: value["file"] if isinstance(value, dict) and len(value) == 1 else value
            for key, value in data["shares"].items()
        }
        return data

    def _relative(self, local: Path) -> str:
        if self.root is not None and local.is_relative_to(self.root):
            return local.relative_to(self.root).as_posix()
        return str(local)


def _share_json(shared: SharedFile) -> dict[str, Any]:
    """Scenario form of one share; a bare `{"file": ...}` is later collapsed to a string."""
    obj: dict[str, Any] = {"file": str(shared.local)}
    if shared.size is not None:
        obj["size"] = shared.size
    if shared.attributes:
        obj["attributes"] = dict(shared.attributes)
    if shared.omit:
        obj["omit"] = list(shared.omit)
    if shared.extension is not None:
        obj["extension"] = shared.extension
    if shared.locked:
        obj["locked"] = True
    return obj

""" "Test connection" for slskd: version, login, shares and the downloads-folder mapping.

The mapping is proven the only way SoulSpot can prove it: a file slskd reports as downloaded
is found on disk where SoulSpot looks (SLSKD_DOWNLOADS_DIR, else slskd's own folder). Without
a finished download there is nothing to find, and the report says so: then only that the
folder exists and can be read is checked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from downloads.slskd import SlskdClient, SlskdError, client_from_settings

# A test connection must answer while the user waits at the page.
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Finding:
    name: str  # connection | login | shares | downloads_dir | mapping
    ok: bool | None  # None: could not be checked
    detail: str


@dataclass
class SlskdReport:
    """What the connection test found; `ok` when nothing failed."""

    version: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.findings) and all(f.ok is not False for f in self.findings)


def check_slskd_connection() -> SlskdReport:
    """Ask the configured slskd what it is and prove SoulSpot sees the files it writes."""
    report = SlskdReport()
    client = client_from_settings(timeout=TIMEOUT_SECONDS)
    if client is None:
        report.findings.append(Finding("connection", False, "SLSKD_URL is not set"))
        return report
    with client:
        try:
            state = client.application_state()
        except SlskdError as exc:
            report.findings.append(Finding("connection", False, str(exc)))
            return report
        report.version = state.version
        report.findings += [
            Finding("connection", True, f"slskd {state.version} answered"),
            Finding("login", state.is_logged_in, f"Soulseek server: {state.server_state}"),
            _shares(client),
        ]
        folder = client.downloads_dir()
        report.findings += [_folder(folder), _mapping(client, folder)]
    return report


def _shares(client: SlskdClient) -> Finding:
    try:
        shares = client.options().get("shares")
    except SlskdError as exc:
        return Finding("shares", None, f"slskd's options cannot be read: {exc}")
    directories = shares.get("directories") if isinstance(shares, dict) else None
    if not isinstance(directories, list):
        return Finding("shares", None, "slskd does not report its shared folders")
    if not directories:
        return Finding("shares", False, "slskd shares nothing (peers may refuse to upload)")
    return Finding("shares", True, f"{len(directories)} shared folder(s)")


def _folder(folder: Path | None) -> Finding:
    if folder is None:
        return Finding(
            "downloads_dir",
            False,
            "SLSKD_DOWNLOADS_DIR is not set and slskd's own folder is not visible here",
        )
    if not folder.is_dir():
        return Finding("downloads_dir", False, f"{folder} does not exist here")
    if not os.access(folder, os.R_OK | os.X_OK):
        return Finding("downloads_dir", False, f"{folder} cannot be read by SoulSpot")
    return Finding("downloads_dir", True, f"{folder} exists and can be read")


def _mapping(client: SlskdClient, folder: Path | None) -> Finding:
    if folder is None or not folder.is_dir():
        return Finding("mapping", None, "no downloads folder to look in")
    try:
        done = [t for t in client.list_transfers() if t.is_succeeded]
    except SlskdError as exc:
        return Finding("mapping", None, f"slskd's downloads cannot be listed: {exc}")
    if not done:
        return Finding(
            "mapping",
            None,
            "slskd lists no finished download yet: the mapping is proven after the first one",
        )
    newest = max(done, key=lambda t: t.ended_at.timestamp() if t.ended_at else 0.0)
    found = client.local_path_for(newest)
    if found is None:
        name = newest.filename.replace("\\", "/").rsplit("/", 1)[-1]
        return Finding("mapping", False, f"slskd downloaded {name!r} but it is not in {folder}")
    return Finding("mapping", True, f"slskd's download {found.name!r} is visible at {found}")

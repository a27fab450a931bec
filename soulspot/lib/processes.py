"""Child processes that die with their parent, are stopped without leaving orphans, and whose
output reaches one writer; the restart policy `serve` applies when one of them dies."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child: if `serve` is killed outright (SIGKILL), the kernel stops us too."""
    # Not Linux (no libc.so.6): the process-group cleanup in stop() still applies.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class LineSink(Protocol):
    def write_line(self, line: str) -> None: ...


@dataclass
class ChildProcess:
    name: str
    command: list[str]
    env: dict[str, str] | None = None  # added to this process's environment
    # Where the child's stdout and stderr lines go; None leaves them on ours.
    sink: LineSink | None = field(default=None, repr=False)
    process: subprocess.Popen | None = field(default=None, repr=False)
    _reader: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> None:
        # A session of its own, so stop() can reach grandchildren (gunicorn and q2 workers).
        env = {**os.environ, **(self.env or {})}
        pipe = subprocess.PIPE if self.sink else None
        if self.sink:
            env["PYTHONUNBUFFERED"] = "1"  # lines reach the sink as they are written
        self.process = subprocess.Popen(
            self.command,
            start_new_session=True,
            preexec_fn=_die_with_parent,
            env=env,
            stdout=pipe,
            stderr=subprocess.STDOUT if self.sink else None,
        )
        if self.sink:
            self._reader = threading.Thread(
                target=self._pump_lines, name=f"{self.name}-output", daemon=True
            )
            self._reader.start()

    def _pump_lines(self) -> None:
        # The pipe applies back-pressure: a child that writes faster than we can store waits.
        assert self.process and self.process.stdout and self.sink
        for raw in self.process.stdout:
            self.sink.write_line(raw.decode("utf-8", "replace").rstrip("\r\n"))

    def poll(self) -> int | None:
        return self.process.poll() if self.process else None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self, grace_seconds: float = 15.0) -> None:
        """SIGTERM the leader for a graceful stop, then SIGKILL whatever is left in its group."""
        if self.process is None:
            return
        pgid = self.process.pid
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace_seconds)
        # Also after a crash of the leader: its workers would otherwise live on as orphans.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        self.process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)  # every line written before the end is stored


class RestartPolicy:
    """When to restart a child that died, and when to give up: pure logic, times passed in.

    Restarts wait 1 s, 2 s, 4 s … up to `max_delay`; a child that ran `healthy_after` seconds
    counts as recovered and the next crash waits 1 s again. `max_crashes` crashes within
    `window` seconds mean something is broken for good (a bad setting, a full disk): give up.
    """

    def __init__(
        self,
        *,
        first_delay: float = 1.0,
        max_delay: float = 30.0,
        healthy_after: float = 60.0,
        max_crashes: int = 5,
        window: float = 120.0,
    ) -> None:
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.healthy_after = healthy_after
        self.max_crashes = max_crashes
        self.window = window
        self.started_at: float | None = None
        self.streak = 0
        self.crashes: deque[float] = deque()

    def started(self, now: float) -> None:
        self.started_at = now

    def crashed(self, now: float) -> float | None:
        """Record a crash; the delay before the restart, or None to give up."""
        if self.started_at is not None and now - self.started_at >= self.healthy_after:
            self.streak = 0
        self.crashes.append(now)
        while self.crashes and now - self.crashes[0] > self.window:
            self.crashes.popleft()
        if len(self.crashes) >= self.max_crashes:
            return None
        delay = min(self.first_delay * 2**self.streak, self.max_delay)
        self.streak += 1
        return delay

    def give_up_reason(self, name: str) -> str:
        minutes = self.window / 60
        span = f"{minutes:g} minutes" if minutes >= 1 else f"{self.window:g} seconds"
        return f"{name} crashed {len(self.crashes)} times in {span}; stopping SoulSpot"


# --- who holds a lease ----------------------------------------------------------------------


def holder_id() -> str:
    """This process, as lease holders are recorded: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_dead(holder: str) -> bool:
    """True only when `holder` ran on this host and its process is gone (killed, crashed).

    A lease held by another machine, or by a process we cannot see, is left to expire.
    """
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    """A killed worker nobody reaped yet (containers without an init) still answers kill(0)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]

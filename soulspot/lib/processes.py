"""Child processes that die with their parent and are stopped without leaving orphans."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
from dataclasses import dataclass, field

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child: if `serve` is killed outright (SIGKILL), the kernel stops us too."""
    # Not Linux (no libc.so.6): the process-group cleanup in stop() still applies.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class ChildProcess:
    name: str
    command: list[str]
    env: dict[str, str] | None = None  # added to this process's environment
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        # A session of its own, so stop() can reach grandchildren (gunicorn and q2 workers).
        env = {**os.environ, **self.env} if self.env else None
        self.process = subprocess.Popen(
            self.command, start_new_session=True, preexec_fn=_die_with_parent, env=env
        )

    def poll(self) -> int | None:
        return self.process.poll() if self.process else None

    def stop(self, grace_seconds: float = 15.0) -> None:
        """SIGTERM the leader for a graceful stop, then SIGKILL whatever is left in its group."""
        if self.process is None:
            return
        pgid = self.process.pid
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace_seconds)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.process.wait()

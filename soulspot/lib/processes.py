"""Child processes that die with their parent and are stopped without leaving orphans."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from dataclasses import dataclass, field

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child: if `serve` is killed outright (SIGKILL), the kernel stops us too."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the process-group cleanup in stop() still applies


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
            try:
                self.process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

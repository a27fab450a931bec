"""`manage.py serve`: migrations, schedules, the django-q2 worker and gunicorn, in one command."""

from __future__ import annotations

import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.setup_token import ensure_setup_token
from downloads.services import wake_engine
from soulspot.backups.runlock import hold_serve_lock
from soulspot.lib.logging import CombinedLog, send_logging_to
from soulspot.lib.processes import ChildProcess, RestartPolicy
from soulspot.lib.queue import enqueue
from soulspot.lib.schedules import sync_schedules
from soulspot.metrics import multiprocess_env

# Lines `serve` prints to say what it does; they go through the one log writer like the rest.
Say = Callable[[str], None]


@dataclass
class Supervised:
    """A child and what to do when it dies."""

    child: ChildProcess
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    on_start: Callable[[], None] = lambda: None
    restart_at: float | None = None


class Command(BaseCommand):
    help = "Run SoulSpot: apply migrations, sync schedules, start the worker and the web server."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=settings.SOULSPOT_HOST)
        parser.add_argument("--port", type=int, default=settings.SOULSPOT_PORT)
        parser.add_argument("--web-workers", type=int, default=settings.SOULSPOT_WEB_WORKERS)

    def handle(self, *args, host: str, port: int, web_workers: int, **options) -> None:
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535 (got {port})")
        ensure_port_free(host, port)
        self.run_lock = hold_serve_lock()  # `restore` refuses while serve holds it
        log = CombinedLog(
            settings.LOG_FILE,
            max_bytes=settings.LOG_MAX_BYTES,
            backups=settings.LOG_BACKUPS,
            stream=sys.stdout,
        )
        send_logging_to(log)
        call_command("migrate", interactive=False, verbosity=0)
        names = sync_schedules()
        if token := ensure_setup_token():
            url = f"http://{host}:{port}/setup/"
            # On the console only: the log file is no place for a secret.
            self.stdout.write(f"First-run setup: open {url} and enter the setup token {token}")
        enqueue("downloads.tasks.reconcile_jobs")  # jobs a restore or a crash left stale
        # Leftovers of a crash (staging copies, temporary files) are cleared before new work.
        enqueue("metadata.tasks.clean_leftovers")
        log.write_line(f"schedules: {', '.join(names)}")
        children = [
            Supervised(
                ChildProcess("worker", [sys.executable, "manage.py", "qcluster"], sink=log),
                on_start=worker_started,
            ),
            Supervised(
                ChildProcess(
                    "web",
                    gunicorn_command(host, port, web_workers),
                    # The web workers count HTTP requests together (soulspot/metrics).
                    env=multiprocess_env(settings.SOULSPOT_METRICS_DIR),
                    sink=log,
                )
            ),
        ]
        try:
            exit_code = self.supervise(children, host, port, log.write_line)
        finally:
            log.close()
        if exit_code:
            raise SystemExit(exit_code)

    def supervise(self, children: list[Supervised], host: str, port: int, say: Say) -> int:
        """Keep every child running, restarting the one that died; 1 after giving up."""
        stopping = False

        def request_stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        for supervised in children:
            start(supervised)
        say(f"SoulSpot is running on http://{host}:{port}/ (Ctrl+C to stop)")
        exit_code = 0
        while not stopping and not exit_code:
            for supervised in children:
                if not look_after(supervised, say):
                    exit_code = 1
                    break
            time.sleep(0.2)
        say("stopping…")
        for supervised in reversed(children):
            supervised.child.stop()
        say("stopped")
        return exit_code


def start(supervised: Supervised) -> None:
    supervised.child.start()
    supervised.policy.started(time.monotonic())
    supervised.restart_at = None
    supervised.on_start()


def look_after(supervised: Supervised, say: Say) -> bool:
    """Restart a dead child when its backoff is over; False when it crashes too often."""
    child, now = supervised.child, time.monotonic()
    if supervised.restart_at is not None:
        if now >= supervised.restart_at:
            say(f"restarting {child.name}")
            start(supervised)
        return True
    code = child.poll()
    if code is None:
        return True
    child.stop()  # whatever the dead leader left behind (q2 workers, gunicorn workers) goes too
    delay = supervised.policy.crashed(now)
    if delay is None:
        say(supervised.policy.give_up_reason(child.name))
        return False
    say(f"{child.name} exited with code {code}; restarting in {delay:g} s")
    supervised.restart_at = now + delay
    return True


def worker_started() -> None:
    """A fresh worker proves itself at once (readiness recovers) and picks up the queue."""
    enqueue("soulspot.tasks.heartbeat")
    wake_engine()


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "soulspot.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--access-logfile",
        "-" if settings.DEBUG else "/dev/null",
    ]


def ensure_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

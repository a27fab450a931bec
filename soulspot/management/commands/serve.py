"""`manage.py serve`: migrations, schedules, the django-q2 worker and gunicorn, in one command.

`--only web` and `--only worker` split it across processes or hosts sharing one PostgreSQL
database (django-q2's ORM broker is the shared queue):

    web      the port: migrations, schedules, the setup token, gunicorn; no worker.
    worker   no port: waits until the web process has applied the migrations, then runs the
             django-q2 cluster and the start-up tasks (reconcile, leftovers, heartbeat).

Each holds the serve lock of its own data dir, so `restore` on a host refuses while that host
serves; it cannot see the other hosts (the README's "Scaling out" says to stop them all).
"""

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
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
WEB, WORKER = "web", "worker"
# How long a worker waits for the web process to bring the database schema up to date.
MIGRATION_WAIT_SECONDS = 300.0


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
        parser.add_argument(
            "--only",
            choices=[WEB, WORKER],
            help="Run only the web server (and migrations) or only the worker, for setups "
            "that put them in separate processes or hosts on one PostgreSQL database.",
        )

    def handle(
        self, *args, host: str, port: int, web_workers: int, only: str | None, **options
    ) -> None:
        web, worker = only != WORKER, only != WEB
        if web:
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
        if web:
            self.prepare_database(f"http://{host}:{port}", log.write_line)
        else:
            wait_for_migrations(log.write_line)
        children = []
        if worker:
            enqueue_start_tasks()
            children.append(worker_child(log))
        if web:
            children.append(web_child(gunicorn_command(host, port, web_workers), log))
        running = (
            f"SoulSpot is running on http://{host}:{port}/" if web else "SoulSpot worker is running"
        )
        try:
            exit_code = self.supervise(children, f"{running} (Ctrl+C to stop)", log.write_line)
        finally:
            log.close()
        if exit_code:
            raise SystemExit(exit_code)

    def prepare_database(self, url: str, say: Say) -> None:
        """What only one process may do at start: migrations, schedules, the setup token."""
        call_command("migrate", interactive=False, verbosity=0)
        names = sync_schedules()
        if token := ensure_setup_token():
            # On the console only: the log file is no place for a secret.
            self.stdout.write(
                f"First-run setup: open {url}/setup/ and enter the setup token {token}"
            )
        say(f"schedules: {', '.join(names)}")

    def supervise(self, children: list[Supervised], running: str, say: Say) -> int:
        """Keep every child running, restarting the one that died; 1 after giving up."""
        stopping = False

        def request_stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        for supervised in children:
            start(supervised)
        say(running)
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


def enqueue_start_tasks() -> None:
    """Work for whoever runs the worker: what a restore or a crash left behind."""
    enqueue("downloads.tasks.reconcile_jobs")  # jobs a restore or a crash left stale
    # Leftovers of a crash (staging copies, temporary files) are cleared before new work.
    enqueue("metadata.tasks.clean_leftovers")


def worker_child(log: CombinedLog) -> Supervised:
    command = [sys.executable, "manage.py", "qcluster"]
    return Supervised(ChildProcess("worker", command, sink=log), on_start=worker_started)


def web_child(command: list[str], log: CombinedLog) -> Supervised:
    # The web workers count HTTP requests together (soulspot/metrics: multiprocess mode).
    env = multiprocess_env(settings.SOULSPOT_METRICS_DIR)
    return Supervised(ChildProcess("web", command, env=env, sink=log))


def wait_for_migrations(say: Say, timeout: float = MIGRATION_WAIT_SECONDS) -> None:
    """A worker never migrates (two hosts migrating at once would clash): it waits for the
    web process to do it, so its tasks never meet a table that is not there yet."""
    deadline = time.monotonic() + timeout
    said = False
    while pending_migrations():
        if time.monotonic() >= deadline:
            raise CommandError(
                f"the database still has unapplied migrations after {timeout:g} s: "
                "start `serve --only web` (it applies them) or run `manage.py migrate`"
            )
        if not said:
            say("waiting for the web process to apply the database migrations")
            said = True
        time.sleep(1)


def pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


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

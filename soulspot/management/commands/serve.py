"""`manage.py serve`: migrations, schedules, the django-q2 worker and gunicorn, in one command."""

from __future__ import annotations

import signal
import socket
import sys
import time
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.setup_token import ensure_setup_token
from soulspot.backups.runlock import hold_serve_lock
from soulspot.lib.processes import ChildProcess
from soulspot.lib.queue import enqueue
from soulspot.lib.schedules import sync_schedules


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
        call_command("migrate", interactive=False, verbosity=0)
        names = sync_schedules()
        if token := ensure_setup_token():
            url = f"http://{host}:{port}/setup/"
            self.stdout.write(f"First-run setup: open {url} and enter the setup token {token}")
        enqueue("soulspot.tasks.heartbeat")  # readiness turns green as soon as the worker is up
        enqueue("downloads.tasks.pump_engine")  # pick up where a previous run stopped
        enqueue("downloads.tasks.reconcile_jobs")  # jobs a restore or a crash left stale
        self.stdout.write(f"schedules: {', '.join(names)}")
        children = [
            ChildProcess("worker", [sys.executable, "manage.py", "qcluster"]),
            ChildProcess("web", gunicorn_command(host, port, web_workers)),
        ]
        self.supervise(children, host, port)

    def supervise(self, children: list[ChildProcess], host: str, port: int) -> None:
        stopping = False

        def request_stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        for child in children:
            child.start()
        self.stdout.write(f"SoulSpot is running on http://{host}:{port}/ (Ctrl+C to stop)")
        exit_code = 0
        while not stopping:
            dead = next((c for c in children if c.poll() is not None), None)
            if dead:
                self.stderr.write(f"{dead.name} exited with code {dead.poll()}; stopping SoulSpot")
                exit_code = 1
                break
            time.sleep(0.5)
        self.stdout.write("stopping…")
        for child in reversed(children):
            child.stop()
        self.stdout.write("stopped")
        if exit_code:
            raise SystemExit(exit_code)


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

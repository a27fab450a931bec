"""A write refused because the disk (or the database) is full: a clear 503, never a 500.

SQLite says "database or disk is full" (SQLITE_FULL, an OperationalError); PostgreSQL raises
DiskFull (SQLSTATE 53100) or "No space left on device" from the server. Anything else is a bug
and stays a 500.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = (
    "The disk holding SoulSpot's database is full, so nothing can be saved right now. "
    "Free some space in the data folder and try again."
)
_SQLSTATE_DISK_FULL = "53100"
_PHRASES = ("database or disk is full", "no space left on device", "could not extend file")


def is_disk_full(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == _SQLSTATE_DISK_FULL:
        return True
    text = str(exc).lower()
    return any(phrase in text for phrase in _PHRASES)


class DiskFullMiddleware:
    """Pages (and anything else outside the API's own handler) answer 503 on a full disk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_disk_full(exception):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": MESSAGE}, status=503)
        body = f"<!doctype html><title>Disk full</title><h1>Disk full</h1><p>{MESSAGE}</p>"
        return HttpResponse(body, status=503, headers={"Retry-After": "60"})

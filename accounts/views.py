from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SetupForm
from accounts.models import AuditEntry
from accounts.services import SetupClosed, create_first_account
from accounts.setup_token import ensure_setup_token
from soulspot.lib.params import BadParameter, text_param

# Two backends are configured (axes' lockout check first), so `login` must be told which one
# vouches for an account that was just created rather than authenticated.
_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_not_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """First run: create the one account, with the setup token. Closed once any user exists."""
    # Also creates the token when SoulSpot was started without `serve` (it is then only in
    # the data folder, which is the point: only the host's owner can read it).
    if ensure_setup_token() is None:
        return redirect("accounts:login")
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = create_first_account(form.save())
        except SetupClosed:
            return redirect("accounts:login")
        login(request, user, backend=_BACKEND)
        return redirect("dashboard")
    return render(request, "accounts/setup.html", {"form": form})


def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, filtered by actor, action prefix or outcome (read-only)."""
    get = request.GET
    try:
        filters = {
            "actor": text_param(get, "actor", max_length=160) or None,
            "action": text_param(get, "action", max_length=200) or None,
            "outcome": get.get("outcome")
            if get.get("outcome") in AuditEntry.Outcome.values
            else None,
        }
    except BadParameter as exc:
        return HttpResponseBadRequest(str(exc))
    entries = AuditEntry.objects.filtered(**filters).newest_first()
    query = get.copy()
    query.pop("page", None)
    context = {
        "page": Paginator(entries, 50).get_page(get.get("page")),
        "filters": filters,
        "outcomes": AuditEntry.Outcome.choices,
        "query": query,
        "retention_days": settings.SOULSPOT_AUDIT_RETENTION_DAYS,
    }
    return render(request, "accounts/audit.html", context)

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SetupForm
from accounts.services import SetupClosed, create_first_account
from accounts.setup_token import ensure_setup_token

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

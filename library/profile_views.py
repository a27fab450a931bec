"""Quality profile pages: the list (default, usage), the ladder editor, default and delete.

The editor posts the whole form on every click (up, down, allowed, policy) and is drawn again
from the posted draft (see `library.profile_editor`); only "Save" writes, through the service.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from library import profiles, services
from library.models import QualityProfile
from library.profile_editor import LadderDraft, UnknownBitrate


@require_GET
def profile_list(request: HttpRequest) -> HttpResponse:
    """Every profile with its ladder, cutoff and what uses it."""
    return render(request, "library/profiles.html", {"rows": profiles.profile_rows()})


@require_http_methods(["GET", "POST"])
def profile_new(request: HttpRequest) -> HttpResponse:
    """A new profile, starting from the default ladder."""
    return _editor(request, None)


@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    """One profile's ladder, cutoff and unknown-bitrate policy."""
    return _editor(request, get_object_or_404(QualityProfile, pk=profile_id))


@require_POST
def profile_default(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = get_object_or_404(QualityProfile, pk=profile_id)
    try:
        profiles.make_default_profile(profile)
    except services.ProfileError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{profile.name} is now the default profile.")
    return redirect("library:profiles")


@require_POST
def profile_delete(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = get_object_or_404(QualityProfile, pk=profile_id)
    try:
        profiles.delete_quality_profile(profile)
    except services.ProfileError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Deleted the profile {profile.name}.")
    return redirect("library:profiles")


def _editor(request: HttpRequest, profile: QualityProfile | None) -> HttpResponse:
    if request.method == "GET":
        return _render(request, profile, LadderDraft.of(profile or QualityProfile(name="")))
    # The default profile stays the default here; "Make default" on the list moves it.
    is_default = bool(profile and profile.is_default) or request.POST.get("is_default") == "on"
    draft = LadderDraft.from_form(request.POST, is_default=is_default)
    if request.POST.get("move"):
        draft.move(request.POST["move"])
    elif request.POST.get("action") == "save":
        saved = _save(profile, draft)
        if saved is not None:
            messages.success(request, f"Saved the profile {saved.name}.")
            return redirect("library:profiles")
        return _render(request, profile, draft, status=400)
    return _render(request, profile, draft)


def _save(profile: QualityProfile | None, draft: LadderDraft) -> QualityProfile | None:
    """The saved profile, or None with the problems in `draft.errors`."""
    if not draft.check():
        return None
    try:
        return services.save_quality_profile(
            profile,
            name=draft.name,
            ladder=draft.ladder(),
            cutoff=draft.cutoff,
            is_default=draft.is_default,
        )
    except services.ProfileNameTaken as exc:
        draft.errors["name"] = [f"{exc}."]
    except services.ProfileError as exc:
        draft.errors["ladder"] = [str(exc)]
    return None


def _render(
    request: HttpRequest, profile: QualityProfile | None, draft: LadderDraft, status: int = 200
) -> HttpResponse:
    context = {"profile": profile, "draft": draft, "policies": UnknownBitrate.choices}
    # A click in the editor swaps the editor alone; a plain post (no script) reloads the page.
    template = "library/profiles_edit.html"
    if request.htmx and request.POST.get("action") != "save":
        template += "#editor"
    return render(request, template, context, status=status)

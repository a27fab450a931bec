"""The calendar page (watched artists' releases by week, the iCal feed's URL) and the artist
page (cover, watch settings, releases by type with completeness, "search missing")."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from automation import calendar
from automation.models import PRIMARY_TYPES, SECONDARY_TYPES, CalendarToken, WatchedArtist
from automation.pages import artist as artist_pages
from automation.watching import discography, watches
from automation.watching.errors import WatchError
from library.models import Artist, QualityProfile
from metadata.providers import musicbrainz
from soulspot.lib.schemas import MAX_ITEMS

# --- calendar --------------------------------------------------------------------------------


def _date(request: HttpRequest, name: str) -> date | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise calendar.CalendarError(f"{name} is not a date (YYYY-MM-DD).") from exc


def calendar_page(request: HttpRequest) -> HttpResponse:
    try:
        window = calendar.calendar_window(_date(request, "start"), _date(request, "end"))
    except calendar.CalendarError as exc:
        return render(request, "automation/calendar.html", {"error": str(exc)}, status=400)
    today = timezone.localdate()
    weeks: dict[date, list] = {}
    for group in calendar.calendar_release_groups(window):
        group.calendar_state = calendar.calendar_state(group, today)
        monday = group.release_date - timedelta(days=group.release_date.weekday())
        weeks.setdefault(monday, []).append(group)
    context = {
        "window": window,
        "weeks": sorted(weeks.items()),
        "today": today,
        "feed_url": _feed_url(request),
    }
    return render(request, "automation/calendar.html", context)


def _feed_url(request: HttpRequest) -> str:
    token = CalendarToken.objects.filter(user=request.user).first()
    if token is None:
        return ""
    return request.build_absolute_uri(f"{reverse('api:calendar_ics')}?token={token.token}")


@require_POST
def calendar_token(request: HttpRequest) -> HttpResponse:
    """Make the user's feed URL, or replace it (the old one stops working)."""
    calendar.rotate_calendar_token(request.user)
    messages.success(request, "New calendar feed URL: the old one no longer works.")
    return redirect("calendar:index")


# --- artist ----------------------------------------------------------------------------------


class WatchForm(forms.Form):
    release_types = forms.MultipleChoiceField(
        choices=[(t, t) for t in PRIMARY_TYPES], widget=forms.CheckboxSelectMultiple
    )
    excluded_secondary_types = forms.MultipleChoiceField(
        choices=[(t, t) for t in SECONDARY_TYPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    want = forms.ChoiceField(choices=WatchedArtist.Want.choices)
    # Choices, not a ModelChoiceField: a 30-digit id must be "not a choice", not a database error.
    quality_profile = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        profiles = [(p.pk, p.name) for p in QualityProfile.objects.order_by("name")]
        self.fields["quality_profile"].choices = [("", "Default"), *profiles]


def _watch_form(watch: WatchedArtist | None) -> WatchForm:
    if watch is None:
        return WatchForm(initial={"release_types": ["album", "ep"], "want": "future"})
    return WatchForm(
        initial={
            "release_types": watch.release_types,
            "excluded_secondary_types": watch.excluded_secondary_types,
            "want": watch.want,
            "quality_profile": watch.quality_profile_id,
        }
    )


def artist_page(request: HttpRequest, artist_id: int) -> HttpResponse:
    artist = get_object_or_404(Artist, pk=artist_id)
    overview = artist_pages.artist_overview(artist)
    context = {
        "overview": overview,
        "artist": artist,
        "form": _watch_form(overview.watch),
    }
    return render(request, "automation/artist.html", context)


@require_POST
def artist_watch(request: HttpRequest, artist_id: int) -> HttpResponse:
    """Watch the artist with the form's settings, change them, or (`remove`) stop watching."""
    artist = get_object_or_404(Artist, pk=artist_id)
    watch = WatchedArtist.objects.filter(artist=artist).first()
    if request.POST.get("remove"):
        if watch is not None:
            watches.unwatch(watch)
            messages.success(request, f"No longer watching {artist.name}.")
        return redirect("artists:detail", artist_id)
    form = WatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("artists:detail", artist_id)
    options = watches.WatchOptions(
        release_types=form.cleaned_data["release_types"],
        excluded_secondary_types=form.cleaned_data["excluded_secondary_types"],
        want=form.cleaned_data["want"],
        quality_profile_id=form.cleaned_data["quality_profile"],
        clear_quality_profile=form.cleaned_data["quality_profile"] is None,
    )
    try:
        if watch is None:
            watches.watch_library_artist(artist.pk, options)
        else:
            watches.update_watch(watch, options)
    except WatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Watching {artist.name}.")
    return redirect("artists:detail", artist_id)


@require_POST
def watch_musicbrainz_artist(request: HttpRequest) -> HttpResponse:
    """ "Watch" on a MusicBrainz search result: the artist joins the library (with its id) and
    is watched with the default options, changed on its page."""
    try:
        mbid = str(UUID(request.POST.get("musicbrainz_id", "")[:36]))
    except ValueError:
        messages.error(request, "musicbrainz_id: not a MusicBrainz id")
        return redirect("downloads:musicbrainz")
    try:
        watch = watches.watch_musicbrainz_artist(mbid, watches.WatchOptions())
    except (WatchError, musicbrainz.MusicBrainzError) as exc:
        messages.error(request, str(exc))
        return redirect("downloads:musicbrainz")
    messages.success(request, f"Watching {watch.artist.name}: its new releases will be wanted.")
    return redirect("artists:detail", watch.artist_id)


def _form_errors(form: forms.Form) -> str:
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())


@require_POST
def artist_search_missing(request: HttpRequest, artist_id: int) -> HttpResponse:
    artist = get_object_or_404(Artist, pk=artist_id)
    result = artist_pages.search_missing_of_artist(artist)
    messages.success(request, f"Search missing: {result.summary()}.")
    return redirect("artists:detail", artist_id)


def artist_discography(request: HttpRequest, artist_id: int) -> HttpResponse:
    """The artist's release groups (of its watch's types, else album and EP) that the library
    misses or holds incomplete, to want all or the ticked ones."""
    artist = get_object_or_404(Artist, pk=artist_id)
    if request.method == "POST":
        ticked = request.POST.getlist("release_group")[:MAX_ITEMS]
        wanted_all = bool(request.POST.get("all"))
        try:
            result = discography.complete_discography(artist, None if wanted_all else ticked)
        except (WatchError, musicbrainz.MusicBrainzError) as exc:
            messages.error(request, str(exc))
            return redirect("artists:discography", artist_id)
        messages.success(
            request, f"{len(result.wanted)} release(s) wanted, {len(result.skipped)} skipped."
        )
        for skipped in result.skipped:
            messages.warning(request, f"{skipped['title']}: {skipped['reason']}")
        return redirect("artists:detail", artist_id)
    try:
        gaps, error = discography.discography_gaps(artist), ""
    except (WatchError, musicbrainz.MusicBrainzError) as exc:
        gaps, error = [], str(exc)
    context = {"artist": artist, "gaps": gaps, "error": error}
    return render(request, "automation/artist_discography.html", context)

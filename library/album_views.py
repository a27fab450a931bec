"""The album page (`/library/albums/<id>/`): its tracks in disc and track order with their
files, formats and qualities, its cover, how complete it is, which source gave each of its
fields and the open conflicts of the album and its tracks."""

from __future__ import annotations

from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from library import covers
from library.models import Album, AlbumCompleteness, FieldConflict, Track
from library.provenance_rows import conflict_rows, links_of, provenance_rows


def album_detail(request: HttpRequest, album_id: int) -> HttpResponse:
    album = get_object_or_404(Album.objects.with_artist(), pk=album_id)
    tracks = list(
        Track.objects.with_files()
        .filter(album=album)
        .order_by(
            F("disc_number").asc(nulls_last=True), F("track_number").asc(nulls_last=True), "title"
        )
    )
    paths = [f.path for t in tracks for f in t.files.all() if not f.is_missing]
    context = {
        "album": album,
        "tracks": tracks,
        "multi_disc": len({t.disc_number or 1 for t in tracks}) > 1,
        "owned": sum(t.status == Track.Status.OWNED for t in tracks),
        "completeness": AlbumCompleteness.objects.filter(album=album).first(),
        "has_cover": covers.cover_among(paths) is not None,
        "provenance": provenance_rows(album),
        # The album's own conflicts and its tracks' (a conflict carries its album).
        "conflicts": conflict_rows(FieldConflict.objects.open().filter(album_id=album.pk)),
        "links": links_of(album),
    }
    return render(request, "library/album.html", context)


def album_cover(request: HttpRequest, album_id: int) -> FileResponse:
    """The album's `cover.jpg`, only from inside the music folder."""
    cover = covers.album_cover(album_id)
    if cover is None:
        raise Http404("No cover.")
    return FileResponse(cover.open("rb"), content_type="image/jpeg")

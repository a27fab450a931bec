"""Edits made in the admin are manual edits: recorded, winning over sources, and followed by
the files (a re-tag request), like edits made through the pages and the API."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from library.models import Album, FieldValue, RetagRequest, Source, Track
from library.provenance import engine
from tests.factories import AlbumFactory, TrackFactory, TrackFileFactory

pytestmark = pytest.mark.django_db


def save_through_admin(obj, **changes) -> None:
    obj = type(obj).objects.get(pk=obj.pk)  # as the admin loads it
    model_admin = admin.site._registry[type(obj)]
    request = RequestFactory().post("/")
    request.user = get_user_model().objects.create_superuser("admin", password="x")
    form_class = model_admin.get_form(request, obj, change=True)
    initial = form_class(instance=obj).initial
    data = {k: ("" if v is None else v) for k, v in initial.items()}
    for key in ("genres", "artists"):
        if key in data:
            data[key] = "[]"
    form = form_class(data | changes, instance=obj)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)


def test_a_track_title_edited_in_the_admin_is_manual_and_retags_its_files() -> None:
    track = TrackFactory(title="Song")
    TrackFileFactory(track=track)
    engine.record(track, Source.MUSICBRAINZ, {"title": "Song"})

    save_through_admin(track, title="My Song", duration_ms=123)

    track.refresh_from_db()
    assert (track.title, track.duration_ms) == ("My Song", 123)
    manual = FieldValue.objects.get(object_id=track.pk, field="title", chosen=True)
    assert (manual.source, manual.value) == ("manual", "My Song")
    assert RetagRequest.objects.filter(track=track).exists()
    engine.record(track, Source.MUSICBRAINZ, {"title": "Song!"})
    assert Track.objects.get(pk=track.pk).title == "My Song"


def test_an_album_year_edited_in_the_admin_becomes_its_manual_date() -> None:
    album = AlbumFactory(year=2001)
    save_through_admin(album, year=1999)
    album.refresh_from_db()
    assert (album.year, album.release_date) == (1999, "1999")
    assert FieldValue.objects.get(object_id=album.pk, field="date", chosen=True).source == "manual"


def test_an_unchanged_save_records_nothing() -> None:
    album = AlbumFactory()
    save_through_admin(album)
    assert not FieldValue.objects.exists()
    assert Album.objects.get(pk=album.pk).title == album.title

"""The calendar (`/calendar/`) and artist (`/artists/<id>/`) pages, each its own namespace."""

from django.urls import path

from automation.pages import views

calendar_patterns = (
    [
        path("", views.calendar_page, name="index"),
        path("token/", views.calendar_token, name="token"),
    ],
    "calendar",
)

artist_patterns = (
    [
        path("watch/", views.watch_musicbrainz_artist, name="watch-musicbrainz"),
        path("<id:artist_id>/", views.artist_page, name="detail"),
        path("<id:artist_id>/watch/", views.artist_watch, name="watch"),
        path("<id:artist_id>/search-missing/", views.artist_search_missing, name="search-missing"),
        path("<id:artist_id>/discography/", views.artist_discography, name="discography"),
    ],
    "artists",
)

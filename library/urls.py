from django.urls import path

from library import album_views, playlist_views, profile_views, provenance_views, views

app_name = "library"
urlpatterns = [
    path("", views.tracks, name="tracks"),
    path("tracks/<id:track_id>/monitor/", views.track_monitor, name="track-monitor"),
    path("history/", views.history, name="history"),
    path("scans/", views.scans, name="scans"),
    path("scans/<id:scan_id>/", views.scan_detail, name="scan"),
    path("scans/<id:scan_id>/cancel/", views.scan_cancel, name="scan-cancel"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<id:group_id>/resolve/", views.duplicate_resolve, name="duplicate-resolve"),
    path("duplicates/<id:group_id>/dismiss/", views.duplicate_dismiss, name="duplicate-dismiss"),
    path("broken/", views.broken, name="broken"),
    path("broken/<id:file_id>/recycle/", views.broken_recycle, name="broken-recycle"),
    path("albums/incomplete/", views.incomplete, name="incomplete"),
    path("albums/<id:album_id>/", album_views.album_detail, name="album"),
    path("albums/<id:album_id>/cover.jpg", album_views.album_cover, name="album-cover"),
    path("naming/", views.naming, name="naming"),
    path("naming/preview/", views.naming_preview, name="naming-preview"),
    path("naming/apply/", views.naming_apply, name="naming-apply"),
    path("playlists/", playlist_views.playlist_list, name="playlists"),
    path("playlists/<id:playlist_id>/", playlist_views.playlist_detail, name="playlist"),
    path(
        "playlists/<id:playlist_id>/rename/",
        playlist_views.playlist_rename,
        name="playlist-rename",
    ),
    path(
        "playlists/<id:playlist_id>/delete/",
        playlist_views.playlist_delete,
        name="playlist-delete",
    ),
    path("tracks/<id:track_id>/", provenance_views.track_detail, name="track"),
    path("tracks/<id:track_id>/edit/", provenance_views.track_edit, name="track-edit"),
    path(
        "tracks/<id:track_id>/clear-manual/",
        provenance_views.track_clear_manual,
        name="track-clear-manual",
    ),
    path("albums/<id:album_id>/edit/", provenance_views.album_edit, name="album-edit"),
    path(
        "albums/<id:album_id>/clear-manual/",
        provenance_views.album_clear_manual,
        name="album-clear-manual",
    ),
    path("artists/<id:artist_id>/edit/", provenance_views.artist_edit, name="artist-edit"),
    path(
        "artists/<id:artist_id>/clear-manual/",
        provenance_views.artist_clear_manual,
        name="artist-clear-manual",
    ),
    path("conflicts/", provenance_views.conflicts, name="conflicts"),
    path(
        "conflicts/<id:conflict_id>/resolve/",
        provenance_views.conflict_resolve,
        name="conflict-resolve",
    ),
]

# Quality profiles: the list, the ladder editor, default and delete.
urlpatterns += [
    path("profiles/", profile_views.profile_list, name="profiles"),
    path("profiles/new/", profile_views.profile_new, name="profile-new"),
    path("profiles/<id:profile_id>/", profile_views.profile_edit, name="profile-edit"),
    path(
        "profiles/<id:profile_id>/default/", profile_views.profile_default, name="profile-default"
    ),
    path("profiles/<id:profile_id>/delete/", profile_views.profile_delete, name="profile-delete"),
]

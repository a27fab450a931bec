from django.urls import path

from library import album_views, playlist_views, views

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
]

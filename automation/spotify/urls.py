from django.urls import path

from automation.spotify import views

app_name = "spotify"
urlpatterns = [
    path("", views.spotify_page, name="index"),
    path("callback", views.callback, name="callback"),
    path("connect/", views.connect, name="connect"),
    path("disconnect/", views.disconnect, name="disconnect"),
    path("sync/", views.sync_now, name="sync"),
    path("sources/", views.sources, name="sources"),
    path("playlists/<id:source_id>/follow/", views.follow, name="follow"),
]

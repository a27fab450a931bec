from django.urls import path

from automation.spotify import views

app_name = "automation"
urlpatterns = [
    path("", views.spotify_page, name="spotify"),
    path("callback", views.callback, name="spotify-callback"),
    path("connect/", views.connect, name="spotify-connect"),
    path("disconnect/", views.disconnect, name="spotify-disconnect"),
    path("sync/", views.sync_now, name="spotify-sync"),
    path("sources/", views.sources, name="spotify-sources"),
    path("playlists/<id:source_id>/follow/", views.follow, name="spotify-follow"),
]

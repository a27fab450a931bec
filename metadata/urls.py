from django.urls import path

from metadata import refresh_views, views

app_name = "metadata"
urlpatterns = [
    path("", views.imports, name="imports"),
    path("start/", views.start_import, name="start"),
    path("<id:pk>/", views.batch_detail, name="batch"),
    path("gaps/retry/", views.retry_gaps, name="retry-gaps"),
    path("albums/check/", views.albums_check, name="albums-check"),
    path("refresh/<str:kind>/<id:object_id>/", refresh_views.refresh_page, name="refresh"),
]

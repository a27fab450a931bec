from django.urls import path

from downloads import musicbrainz_views, rules_views, views

app_name = "downloads"
urlpatterns = [
    path("", views.download_list, name="list"),
    path("new/", views.create_download, name="create"),
    path("engine/<str:action>/", views.engine_action, name="engine"),
    path("wanted/", views.wanted, name="wanted"),
    path("wanted/cutoff-unmet/", views.wanted, {"tab": "cutoff-unmet"}, name="wanted-cutoff-unmet"),
    path("wanted/search/", views.wanted_search, name="wanted-search"),
    path("search/", views.search, name="search"),
    path("search/<id:search_id>/", views.search_detail, name="search-detail"),
    path("search/<id:search_id>/pick/<int:index>/", views.search_pick, name="search-pick"),
    path("musicbrainz/", musicbrainz_views.musicbrainz_search, name="musicbrainz"),
    path("musicbrainz/want/", musicbrainz_views.musicbrainz_want, name="musicbrainz-want"),
    path("blocklist/", views.blocklist, name="blocklist"),
    path(
        "blocklist/rejected/<id:rejected_id>/remove/",
        views.rejected_remove,
        name="rejected-remove",
    ),
    path("blocklist/peers/", views.peer_block, name="peer-block"),
    path("rules/", rules_views.rules, name="rules"),
    path("rules/<id:rule_id>/", rules_views.rule_edit, name="rule-edit"),
    path("rules/<id:rule_id>/toggle/", rules_views.rule_toggle, name="rule-toggle"),
    path("rules/<id:rule_id>/delete/", rules_views.rule_delete, name="rule-delete"),
    path("broken/redownload/", views.broken_redownload, name="broken-redownload"),
    path("albums/<id:album_id>/want-missing/", views.album_want_missing, name="want-missing"),
    path("<id:job_id>/", views.download_detail, name="detail"),
    path("<id:job_id>/remove/", views.remove_download, name="remove"),
    path("<id:job_id>/<str:action>/", views.job_action, name="action"),
]

"""Library curation in the admin: search, filters, inline files, and actions that call services.

Changelists show a fixed number of queries whatever the row count: every related object shown
is in `list_select_related`, filters use fixed choices (never a list of all related rows), and
the unfiltered total count is skipped (`show_full_result_count`).

One module per part of the library; importing them registers their admins. The names other
apps use (the admins `soulspot/admin.py` adds actions to, `report_action_result`) are here.
"""

from library.admin import catalogue, files, health, rules
from library.admin.actions import report_action_result
from library.admin.catalogue import AlbumAdmin, ArtistAdmin, TrackAdmin
from library.admin.files import TrackFileAdmin

__all__ = [
    "AlbumAdmin",
    "ArtistAdmin",
    "TrackAdmin",
    "TrackFileAdmin",
    "catalogue",
    "files",
    "health",
    "report_action_result",
    "rules",
]

"""The blocklist: files rejected for a want (never offered again) and peers never used."""

from __future__ import annotations

from django.db import transaction

from downloads.models import Peer, RejectedFile
from downloads.services.errors import DownloadError


def remove_rejected_file(rejected_id: int) -> RejectedFile | None:
    """Forget one rejected file, so searches may offer it for its track again.

    Returns the row that was removed, or None when it was already gone.
    """
    rejected = RejectedFile.objects.select_related("track").filter(pk=rejected_id).first()
    if rejected is not None:
        RejectedFile.objects.filter(pk=rejected.pk).delete()
    return rejected


@transaction.atomic
def set_peer_blocked(username: str, blocked: bool, *, note: str = "") -> Peer:
    """Block a Soulseek user (the matcher never picks their files) or unblock them.

    A user SoulSpot never met is remembered so the block holds from their first search reply.
    """
    username = username.strip()
    if not username:
        raise DownloadError("a Soulseek user name is required")
    if len(username) > 200:
        raise DownloadError("a Soulseek user name is at most 200 characters")
    peer, _ = Peer.objects.get_or_create(username=username)
    fields = {"is_blocked": blocked}
    if note:
        fields["note"] = note[:500]
    Peer.objects.filter(pk=peer.pk).update(**fields)
    peer.refresh_from_db()
    return peer

"""Turning database rows into the matcher's plain inputs, and its verdicts back into rows."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max

from downloads.matching import MatchContext, Scored, SearchFile, Want
from downloads.models import Candidate, DownloadJob, Peer, RejectedFile
from downloads.services.rules import rules_for_profile
from library.models import QualityProfile, TrackFile
from library.quality import StreamInfo, best_of, classify

# Rejected files are kept for the "why not this one?" view, but a big search has thousands.
MAX_REJECTED_KEPT = 200


def want_for(job: DownloadJob) -> Want:
    if job.kind == DownloadJob.Kind.ALBUM:
        album = job.album
        return Want(
            artist=album.artist.name,
            title=album.title,
            album=album.title,
            kind="album",
            track_count=album.track_count,
            year=album.year,
        )
    track = job.track
    return Want(
        artist=track.credit,
        title=track.title,
        album=track.album.title if track.album else None,
        duration_ms=track.duration_ms,
        isrc=track.isrc or None,
    )


def context_for(job: DownloadJob) -> MatchContext:
    profile = job.quality_profile or QualityProfile.get_default()
    rejected = set()
    if job.track_id:
        rejected = set(
            RejectedFile.objects.filter(track_id=job.track_id).values_list("username", "filename")
        )
    peers = list(Peer.objects.values_list("username", "successes", "failures", "is_blocked"))
    return MatchContext(
        upgrade_from=owned_quality(job, profile.ladder)
        if job.purpose == DownloadJob.Purpose.UPGRADE
        else None,
        ladder=list(profile.ladder),
        length_tolerance_s=settings.MATCH_LENGTH_TOLERANCE_SECONDS,
        blocked_users={name for name, _, _, blocked in peers if blocked},
        rejected=rejected,
        peer_history={name: (ok, bad) for name, ok, bad, _ in peers},
        rules=rules_for_profile(profile.pk),
    )


def owned_quality(job: DownloadJob, ladder: list[str]) -> str:
    """The best quality among the track's healthy files: an upgrade must beat it.

    A quality off the ladder (or no healthy file at all) cannot be beaten by ranking, so the
    matcher then accepts nothing: an upgrade never replaces what it cannot compare.
    """
    rows = TrackFile.objects.healthy().filter(track_id=job.track_id)
    qualities = list(rows.values_list("quality", flat=True))
    return best_of(qualities, ladder) or next(iter(qualities), "")


def candidate_row(job: DownloadJob, file: SearchFile, query: str) -> Candidate:
    stream = StreamInfo(
        extension=file.extension,
        bitrate=file.bitrate,
        bit_depth=file.bit_depth,
        sample_rate=file.sample_rate,
        is_vbr=file.is_vbr,
    )
    return Candidate(
        job=job,
        username=file.username,
        filename=file.filename,
        size=file.size,
        extension=file.extension[:16],
        bitrate=file.bitrate,
        sample_rate=file.sample_rate,
        bit_depth=file.bit_depth,
        length_s=file.length_s,
        is_vbr=file.is_vbr,
        quality=classify(stream) or "",
        has_free_slot=bool(file.has_free_slot),
        queue_length=file.queue_length or 0,
        upload_speed=file.upload_speed or 0,
        query=query[:500],
    )


def save_ranked(job: DownloadJob, ranked: list[Scored], query: str) -> int:
    """Store a search's verdicts on the job; returns how many candidates are ready to try.

    A file seen before keeps its row; if its download merely failed (not a wrong file), a new
    search that finds it again makes it eligible again, ranked as it is now.
    """
    known = dict(
        ((c.username, c.filename), c)
        for c in job.candidates.only("pk", "username", "filename", "state")
    )
    next_rank = (job.candidates.aggregate(top=Max("rank"))["top"] or 0) + 1
    rows, accepted, rejected_kept = [], 0, 0
    for verdict in ranked:
        key = (verdict.file.username, verdict.file.filename)
        if key in known:
            seen = known[key]
            if verdict.accepted and seen.state == Candidate.State.FAILED:
                Candidate.objects.filter(pk=seen.pk).update(
                    state=Candidate.State.PENDING, rank=next_rank
                )
                next_rank, accepted = next_rank + 1, accepted + 1
            continue
        if not verdict.accepted and rejected_kept >= MAX_REJECTED_KEPT:
            continue
        known[key] = None
        row = candidate_row(job, verdict.file, query)
        row.score = round(verdict.score, 3)
        row.breakdown = verdict.breakdown
        if verdict.accepted:
            row.rank, next_rank, accepted = next_rank, next_rank + 1, accepted + 1
        else:
            row.state = Candidate.State.REJECTED
            row.rejection_reason = (verdict.rejection_reason or "")[:500]
            rejected_kept += 1
        rows.append(row)
    Candidate.objects.bulk_create(rows, batch_size=200)
    return accepted


def next_candidate(job: DownloadJob) -> Candidate | None:
    """The best untried candidate, preferring peers that have not already failed this job."""
    pending = job.candidates.filter(state=Candidate.State.PENDING, rank__isnull=False).order_by(
        "rank"
    )
    failed_users = set(
        job.candidates.filter(
            state__in=[Candidate.State.FAILED, Candidate.State.WRONG]
        ).values_list("username", flat=True)
    )
    fresh = pending.exclude(username__in=failed_users).first()
    return fresh or pending.first()

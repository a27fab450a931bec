"""REST endpoints for downloads (mounted at /api/downloads). Each calls one service.

No `from __future__ import annotations` here: django-ninja reads these annotations at runtime.
"""

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from downloads import services
from downloads.models import DownloadJob, EngineSettings
from downloads.schemas import (
    AlbumDownloadIn,
    BatchIn,
    BatchItemOut,
    BatchOut,
    CandidateOut,
    DownloadIn,
    DownloadOut,
    DownloadPatch,
    EngineOut,
    EnginePatch,
    QualityProfileIn,
    QualityProfileOut,
    RejectIn,
    WantedOut,
    WantedSearchIn,
    WantedSearchOut,
    WantedSort,
)
from library import services as library_services
from library.models import Album, QualityProfile, Track
from library.schemas import ActionOut, FileIdsIn
from library.services import ActionResult
from soulspot.lib.pagination import Page
from soulspot.lib.schemas import Id, errors

router = Router(tags=["downloads"])
# Mounted at /api/wanted: the library's wanted lists, searched from here (creating jobs is ours).
wanted_router = Router(tags=["wanted"])


def _job(job_id: int) -> DownloadJob:
    return get_object_or_404(DownloadJob.objects.with_relations(), pk=job_id)


@router.post("", response={201: DownloadOut, **errors(400, 409)}, summary="Want a track")
def create_download(request: HttpRequest, payload: DownloadIn) -> Status:
    """Queue a track; 409 when it is already being downloaded."""
    job = services.queue_track_download(**payload.dict())
    return Status(201, _job(job.pk))


@router.post(
    "/albums", response={201: DownloadOut, **errors(400, 404, 409, 503)}, summary="Want an album"
)
def create_album_download(request: HttpRequest, payload: AlbumDownloadIn) -> Status:
    """Queue a whole album: one peer's folder, one child job per track; 409 when it is queued.

    By MusicBrainz id, the track list comes from MusicBrainz: 404 when it has no such release
    (or group), 503 when it cannot be reached. For a release group the chosen edition and why
    are in `status_reason`.
    """
    if payload.musicbrainz_release_id:
        job = services.queue_album_from_release(
            str(payload.musicbrainz_release_id), priority=payload.priority
        )
    elif payload.musicbrainz_release_group_id:
        job = services.queue_album_from_release_group(
            str(payload.musicbrainz_release_group_id), priority=payload.priority
        )
    else:
        job = services.queue_album_download(
            **payload.dict(exclude={"musicbrainz_release_id", "musicbrainz_release_group_id"})
        )
    return Status(201, _job(job.pk))


@router.get("", response=list[DownloadOut], summary="List downloads")
@paginate(Page)
def list_downloads(request: HttpRequest, status: DownloadJob.Status | None = None) -> QuerySet:
    """Newest first, optionally only those in one status."""
    jobs = DownloadJob.objects.with_relations().order_by("-created_at", "-pk")
    return jobs.filter(status=status) if status else jobs


@router.get("/settings", response=EngineOut, summary="Engine switches")
def engine_settings(request: HttpRequest) -> EngineSettings:
    return EngineSettings.load()


@router.patch(
    "/settings", response={200: EngineOut, **errors(400)}, summary="Change engine switches"
)
def update_engine_settings(request: HttpRequest, payload: EnginePatch) -> EngineSettings:
    return services.update_engine(**payload.dict(exclude_none=True))


@router.post("/pause", response=EngineOut, summary="Pause all downloads")
def pause_all(request: HttpRequest) -> EngineSettings:
    return services.pause_all()


@router.post("/resume", response=EngineOut, summary="Resume all downloads")
def resume_all(request: HttpRequest) -> EngineSettings:
    return services.resume_all()


@router.post("/batch", response=BatchOut, summary="Act on many jobs at once")
def batch(request: HttpRequest, payload: BatchIn) -> dict:
    """Create, retry, cancel, pause or resume many jobs; each item reports its own outcome."""
    results = services.run_batch(
        payload.action, ids=payload.ids, items=[i.dict() for i in payload.items]
    )
    return {"results": [BatchItemOut(id=r.job_id, ok=r.ok, error=r.error) for r in results]}


@router.get("/quality-profiles", response=list[QualityProfileOut], summary="Quality profiles")
@paginate(Page)
def list_profiles(request: HttpRequest) -> QuerySet:
    """The default profile first (created when there is none), then by name."""
    QualityProfile.get_default()
    return QualityProfile.objects.order_by("-is_default", "name", "pk")


@router.post(
    "/quality-profiles",
    response={201: QualityProfileOut, **errors(400, 409)},
    summary="Add a profile",
)
def create_profile(request: HttpRequest, payload: QualityProfileIn) -> Status:
    """400 names each rule the ladder breaks; 409 when the name is taken."""
    return Status(201, library_services.save_quality_profile(None, **payload.dict()))


@router.put(
    "/quality-profiles/{profile_id}",
    response={200: QualityProfileOut, **errors(400, 404, 409)},
    summary="Edit a profile",
)
def update_profile(
    request: HttpRequest, profile_id: Id, payload: QualityProfileIn
) -> QualityProfile:
    profile = get_object_or_404(QualityProfile, pk=profile_id)
    return library_services.save_quality_profile(profile, **payload.dict())


@router.get("/{job_id}", response={200: DownloadOut, **errors(404)}, summary="One download")
def get_download(request: HttpRequest, job_id: Id) -> DownloadJob:
    return _job(job_id)


@router.delete("/{job_id}", response={204: None, **errors(404)}, summary="Remove from the queue")
def delete_download(request: HttpRequest, job_id: Id, unmonitor: bool = False) -> Status:
    """Take a job off the queue: a live one is cancelled first (its slskd transfer too), then
    the job is deleted; files are never touched. `unmonitor=true` also stops wanting the track
    (or the album), so nothing downloads it again by itself."""
    services.remove_job(_job(job_id), unmonitor=unmonitor)
    return Status(204, None)


@router.patch("/{job_id}", response={200: DownloadOut, **errors(404)}, summary="Change priority")
def update_download(request: HttpRequest, job_id: Id, payload: DownloadPatch) -> DownloadJob:
    return services.set_priority(_job(job_id), payload.priority)


@router.get(
    "/{job_id}/candidates",
    response={200: list[CandidateOut], **errors(404)},
    summary="Ranked candidates",
)
@paginate(Page)
def candidates(request: HttpRequest, job_id: Id) -> QuerySet:
    """Accepted candidates best first (with score breakdown), then rejected ones with reasons."""
    return _job(job_id).candidates.order_by(F("rank").asc(nulls_last=True), "-score", "pk")


@router.post(
    "/{job_id}/pause", response={200: DownloadOut, **errors(404, 409)}, summary="Pause one"
)
def pause_download(request: HttpRequest, job_id: Id) -> DownloadJob:
    return services.pause_job(_job(job_id))


@router.post(
    "/{job_id}/resume", response={200: DownloadOut, **errors(404, 409)}, summary="Resume one"
)
def resume_download(request: HttpRequest, job_id: Id) -> DownloadJob:
    return services.resume_job(_job(job_id))


@router.post(
    "/{job_id}/cancel", response={200: DownloadOut, **errors(404, 409)}, summary="Cancel one"
)
def cancel_download(request: HttpRequest, job_id: Id) -> DownloadJob:
    return services.cancel_job(_job(job_id))


@router.post(
    "/{job_id}/retry", response={200: DownloadOut, **errors(404, 409)}, summary="Retry one"
)
def retry_download(request: HttpRequest, job_id: Id) -> DownloadJob:
    """Start a finished (failed, not found, cancelled, completed) job again."""
    return services.retry_job(_job(job_id))


@router.post(
    "/{job_id}/reject-candidate",
    response={200: DownloadOut, **errors(404, 409)},
    summary="Wrong file",
)
def reject_candidate(
    request: HttpRequest, job_id: Id, payload: RejectIn | None = None
) -> DownloadJob:
    """Reject the chosen file for good (this want, this user, this path) and try the next one."""
    with transaction.atomic():
        return services.reject_candidate(
            _job(job_id), payload.reason if payload else "marked wrong by you"
        )


# --- actions offered on library pages (the library cannot queue downloads itself) -------------


@router.post(
    "/albums/{album_id}/want-missing",
    response={200: ActionOut, **errors(404)},
    summary="Want an album's missing tracks",
)
def want_missing(request: HttpRequest, album_id: Id) -> dict:
    """Queue a download for each missing track of the album (404 until the album is checked)."""
    get_object_or_404(Album, pk=album_id)
    return _action(services.want_missing_tracks(album_id))


@router.post(
    "/broken-files/redownload", response={200: ActionOut}, summary="Re-download broken files"
)
def redownload_broken(request: HttpRequest, payload: FileIdsIn | None = None) -> dict:
    """Queue a download for the track of each broken file (all, or `file_ids`)."""
    file_ids = payload.file_ids if payload else None
    return _action(services.redownload_broken_files(file_ids))


def _action(result: ActionResult) -> dict:
    return {"summary": result.summary(), "queued": result.queued, "skipped": result.skipped}


# --- wanted lists (mounted at /api/wanted) -------------------------------------------------------


@wanted_router.get("/missing", response=list[WantedOut], summary="Missing tracks")
@paginate(Page)
def list_missing(request: HttpRequest, sort: WantedSort = "artist") -> QuerySet:
    """Monitored tracks without a healthy file; `sort` by a column, `-` first for descending."""
    return Track.objects.missing().wanted_rows().in_wanted_order(sort)


@wanted_router.get("/cutoff-unmet", response=list[WantedOut], summary="Tracks below cutoff")
@paginate(Page)
def list_cutoff_unmet(request: HttpRequest, sort: WantedSort = "artist") -> QuerySet:
    """Monitored tracks whose best healthy file (`quality`) is below their profile's cutoff."""
    return Track.objects.cutoff_unmet().wanted_rows().in_wanted_order(sort)


@wanted_router.post("/search", response={202: WantedSearchOut}, summary="Search wanted tracks")
def search_wanted(request: HttpRequest, payload: WantedSearchIn) -> Status:
    """Queue a search for each track (`track_ids`) or a whole list (`all`): a missing track
    gets a download job, a track below cutoff an upgrade job. Never a second live job for a
    track; unmonitored tracks are never searched. Each track left out is in `skipped`."""
    if payload.all:
        result = services.search_all_wanted(payload.all)
    else:
        result = services.search_wanted_tracks(payload.track_ids)
    return Status(202, {"jobs": result.jobs, "skipped": result.skipped})

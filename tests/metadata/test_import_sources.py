"""Where a folder import may take files from (issue 10, findings 1 and 13).

Imports started over the network take files only from inside `SOULSPOT_IMPORT_DIRS`, answer
every other path the same way (no existence oracle), never follow a symlink, and leave the
files of live download jobs to their jobs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from downloads.engine import handoff
from downloads.models import DownloadJob
from library.models import TrackFile
from metadata import tasks
from metadata.models import ImportBatch, ImportItem
from tests.factories import CandidateFactory, DownloadJobFactory
from tests.metadata.support import downloaded_file, importing_job, want

pytestmark = pytest.mark.django_db
REFUSED = {"detail": "not inside an import folder"}


def post(client, path: str, **extra: object):
    return client.post(
        "/api/metadata/imports", {"path": path, **extra}, content_type="application/json"
    )


def run_import(api_client, path: Path, monkeypatch) -> ImportBatch:
    """Start an import through the API and run its task as the worker would."""
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: None)
    response = post(api_client, str(path))
    assert response.status_code == 202, response.content
    tasks.run_folder_import(response.json()["id"])
    return ImportBatch.objects.get(pk=response.json()["id"])


@pytest.fixture
def outside(tmp_path: Path, audio_sources) -> Path:
    """A folder of music the service can read but nobody allowed it to import."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    shutil.copyfile(audio_sources["flac"], folder / "private.flac")
    return folder


def test_every_path_outside_the_import_folders_gets_the_same_answer(
    api_client, dirs, outside
) -> None:
    (dirs.downloads / "link").symlink_to(outside, target_is_directory=True)
    paths = [
        "/etc",
        "/proc/self/environ",
        "~",
        "~/",
        str(outside),  # exists, readable, full of music
        str(outside / "missing"),
        "/no/such/folder",
        str(dirs.downloads / "link"),  # inside by name, outside once resolved
        str(dirs.downloads / ".." / "elsewhere"),
        "relative/path",
        "",
    ]

    answers = {(r.status_code, r.content) for r in (post(api_client, p) for p in paths)}

    assert len(answers) == 1, answers
    [(status, body)] = answers
    assert status == 400 and json.loads(body) == REFUSED
    # NUL is refused by the schema, for every path alike, before any path is looked at.
    assert post(api_client, "/tmp/\x00nul").status_code == 422
    assert not ImportBatch.objects.exists()
    assert (outside / "private.flac").is_file()


def test_the_page_answers_outside_paths_the_same_way(logged_in_client, dirs, outside) -> None:
    for path in ["/etc", str(outside), "/no/such/folder", "~"]:
        response = logged_in_client.post("/imports/start/", {"path": path})
        assert response.status_code == 400
        page = response.content.decode()
        assert "not inside an import folder" in page and "does not exist" not in page
    assert not ImportBatch.objects.exists()


def test_odd_paths_inside_an_import_folder_get_a_clear_400(api_client, dirs) -> None:
    (dirs.downloads / "loop").symlink_to(dirs.downloads / "loop")
    for path in [dirs.downloads / "loop", dirs.downloads / ("x" * 300), dirs.downloads / "gone"]:
        response = post(api_client, str(path))
        assert response.status_code == 400, (path, response.content)
    assert not ImportBatch.objects.exists()


def test_a_folder_inside_an_import_folder_is_accepted(api_client, dirs, monkeypatch) -> None:
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: None)
    (dirs.downloads / "album").mkdir()

    response = post(api_client, str(dirs.downloads / "album"))

    assert response.status_code == 202
    assert response.json()["path"] == str((dirs.downloads / "album").resolve())


def test_an_import_folder_that_is_a_symlink_is_followed_to_where_it_really_is(
    api_client, settings, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: None)
    real = tmp_path / "mnt" / "incoming"
    real.mkdir(parents=True)
    (tmp_path / "import").symlink_to(real, target_is_directory=True)
    settings.SOULSPOT_IMPORT_DIRS = [tmp_path / "import"]

    assert post(api_client, str(tmp_path / "import")).status_code == 202
    assert post(api_client, str(real)).status_code == 202
    assert post(api_client, str(tmp_path / "mnt")).json() == REFUSED


def test_the_management_command_still_takes_any_folder(dirs, outside) -> None:
    from django.core.management import call_command

    call_command("import", str(outside), "--copy", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert ImportBatch.objects.get().imported == 1
    assert (outside / "private.flac").is_file()


def test_symlinks_inside_an_import_folder_are_reported_and_never_followed(
    api_client, dirs, outside, audio_sources, monkeypatch
) -> None:
    before = (outside / "private.flac").read_bytes()
    album = dirs.downloads / "album"
    album.mkdir()
    (album / "linked.flac").symlink_to(outside / "private.flac")
    (dirs.downloads / "linked-folder").symlink_to(outside, target_is_directory=True)
    (album / "loop.flac").symlink_to(album / "loop.flac")
    shutil.copyfile(audio_sources["mp3"], album / "real.mp3")

    batch = run_import(api_client, dirs.downloads, monkeypatch)

    assert (batch.status, batch.imported, batch.skipped) == ("completed", 1, 3)
    body = api_client.get(f"/api/metadata/imports/{batch.pk}").json()
    reasons = {Path(p["source_path"]).name: p["reason"] for p in body["problems"]}
    assert set(reasons) == {"linked.flac", "linked-folder", "loop.flac"}
    assert all("symbolic link" in reason for reason in reasons.values())
    # The target is where it was, unchanged, and no copy of it reached the library.
    assert (outside / "private.flac").read_bytes() == before
    assert (album / "linked.flac").is_symlink()
    assert TrackFile.objects.count() == 1
    assert len(dirs.library_files()) == 1 and dirs.library_files()[0].suffix == ".mp3"


def test_a_file_a_live_job_is_importing_is_left_to_the_job(
    api_client, dirs, audio_sources, monkeypatch
) -> None:
    path = downloaded_file(dirs, audio_sources, "flac")
    job = importing_job(want(), path)

    batch = run_import(api_client, dirs.downloads, monkeypatch)

    item = ImportItem.objects.get(batch=batch)
    assert (item.state, item.reason) == (
        "skipped",
        f"belongs to live download job {job.pk}; left in place for it",
    )
    assert path.is_file() and not TrackFile.objects.exists()
    # The job then completes normally with its own file.
    handoff.import_download(job.pk)
    job.refresh_from_db()
    assert job.status == DownloadJob.Status.COMPLETED, job.status_reason
    assert TrackFile.objects.get().track_id == job.track_id


def test_a_file_a_job_is_still_downloading_is_left_alone(
    api_client, dirs, audio_sources, monkeypatch
) -> None:
    job = DownloadJobFactory(track=want(), status=DownloadJob.Status.DOWNLOADING)
    candidate = CandidateFactory(job=job, filename="@@peer\\Music\\Night Drive\\02 Afterglow.flac")
    DownloadJob.objects.filter(pk=job.pk).update(candidate=candidate)
    arrived = dirs.downloads / "Night Drive" / "02 Afterglow.flac"
    renamed = arrived.with_name("02 Afterglow_639876543210987654.flac")  # slskd's clash rename
    arrived.parent.mkdir()
    for path in (arrived, renamed):
        shutil.copyfile(audio_sources["flac"], path)

    batch = run_import(api_client, dirs.downloads, monkeypatch)

    assert (batch.imported, batch.skipped) == (0, 2)
    assert arrived.is_file() and renamed.is_file()


def test_the_files_of_an_album_being_downloaded_are_left_alone(
    api_client, dirs, audio_sources, monkeypatch
) -> None:
    album_job = DownloadJobFactory(track=None, kind="album", status="downloading")
    folder_candidate = CandidateFactory(job=album_job, filename="@@peer\\Music\\Night Drive")
    DownloadJob.objects.filter(pk=album_job.pk).update(candidate=folder_candidate)
    child = DownloadJobFactory(track=want(), parent=album_job, status="downloading")
    remote = "@@peer\\Music\\Night Drive\\01 Intro.flac"
    file_candidate = CandidateFactory(job=child, filename=remote)
    DownloadJob.objects.filter(pk=child.pk).update(candidate=file_candidate)
    folder = dirs.downloads / "Night Drive"
    folder.mkdir()
    shutil.copyfile(audio_sources["flac"], folder / "01 Intro.flac")
    shutil.copyfile(audio_sources["mp3"], dirs.downloads / "unrelated.mp3")

    batch = run_import(api_client, dirs.downloads, monkeypatch)

    assert (batch.imported, batch.skipped) == (1, 1)
    skipped = ImportItem.objects.get(batch=batch, state="skipped")
    assert skipped.reason.startswith(f"belongs to live download job {child.pk}")
    assert (folder / "01 Intro.flac").is_file()


def test_a_finished_job_no_longer_holds_its_file(
    api_client, dirs, audio_sources, monkeypatch
) -> None:
    path = downloaded_file(dirs, audio_sources, "flac")
    job = importing_job(want(), path)
    DownloadJob.objects.filter(pk=job.pk).update(status=DownloadJob.Status.FAILED)

    batch = run_import(api_client, dirs.downloads, monkeypatch)

    assert batch.imported == 1 and not path.exists()


def _settings_in_a_fresh_process(tmp_path: Path, *, ok: bool = True, **env: str) -> str:
    """SOULSPOT_IMPORT_DIRS as settings.py reads it from this environment (or its error)."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(':'.join(str(p) for p in settings.SOULSPOT_IMPORT_DIRS))"
    )
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SLSKD_DOWNLOADS_DIR", "SOULSPOT_IMPORT_DIRS"}
    }
    environ |= {
        "DJANGO_SETTINGS_MODULE": "soulspot.settings",
        "SOULSPOT_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode == 0) == ok, done.stderr
    return done.stdout.strip() if ok else done.stderr


def test_the_import_folders_default_to_slskds_downloads_and_data_import(tmp_path) -> None:
    downloads = tmp_path / "slskd"
    downloads.mkdir()

    answer = _settings_in_a_fresh_process(tmp_path, SLSKD_DOWNLOADS_DIR=str(downloads))

    assert answer == f"{downloads}:{tmp_path / 'data' / 'import'}"
    assert (tmp_path / "data" / "import").is_dir()
    assert _settings_in_a_fresh_process(tmp_path) == str(tmp_path / "data" / "import")


def test_the_import_folders_can_be_set_and_must_be_absolute(tmp_path) -> None:
    answer = _settings_in_a_fresh_process(tmp_path, SOULSPOT_IMPORT_DIRS="/srv/a:/srv/b:")
    assert answer == "/srv/a:/srv/b"

    refused = _settings_in_a_fresh_process(
        tmp_path, ok=False, SOULSPOT_IMPORT_DIRS="/srv/a:relative"
    )
    assert "SOULSPOT_IMPORT_DIRS must list absolute paths" in refused


def test_a_live_album_track_from_a_peers_root_does_not_hold_the_whole_downloads_folder(
    api_client, dirs, audio_sources, monkeypatch
) -> None:
    album_job = DownloadJobFactory(track=None, kind="album", status="downloading")
    child = DownloadJobFactory(track=want(), parent=album_job, status="downloading")
    candidate = CandidateFactory(job=child, filename="02 Afterglow.flac")  # no remote folder
    DownloadJob.objects.filter(pk=child.pk).update(candidate=candidate)
    shutil.copyfile(audio_sources["flac"], dirs.downloads / "02 Afterglow.flac")
    shutil.copyfile(audio_sources["mp3"], dirs.downloads / "unrelated.mp3")

    batch = run_import(api_client, dirs.downloads, monkeypatch)

    assert (batch.imported, batch.skipped) == (1, 1)
    assert (dirs.downloads / "02 Afterglow.flac").is_file()

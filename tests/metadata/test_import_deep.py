"""`manage.py import --deep`: a file whose audio does not decode is not imported as healthy."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from library.models import TrackFile
from library.tagging import TagSet, write_tags
from metadata.models import ImportBatch, ImportItem
from tests.metadata.support import Dirs

pytestmark = pytest.mark.django_db


def damaged_flac(dirs: Dirs, audio_sources) -> Path:
    """Headers, tags and length intact (the container check passes), audio frames garbled."""
    path = dirs.downloads / "rip" / "01 - Damaged.flac"
    path.parent.mkdir(parents=True)
    shutil.copyfile(audio_sources["flac"], path)
    write_tags(path, TagSet(title="Damaged", artist="Band", album="Record", track_number=1))
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4000] = bytes((i * 97 + 13) % 256 for i in range(4000))
    path.write_bytes(bytes(data))
    return path


def test_deep_import_refuses_audio_that_does_not_decode(dirs, audio_sources) -> None:
    damaged = damaged_flac(dirs, audio_sources)
    out = io.StringIO()

    call_command("import", str(dirs.downloads), "--deep", stdout=out)

    item = ImportBatch.objects.get().items.get()
    assert item.state == ImportItem.State.FAILED
    assert item.reason.startswith("audio does not decode")
    assert f"failed: {damaged}: audio does not decode" in out.getvalue()
    assert damaged.exists() and not TrackFile.objects.exists()


def test_deep_import_takes_audio_that_decodes(dirs, audio_sources) -> None:
    good = dirs.downloads / "rip" / "01 - Good.flac"
    good.parent.mkdir(parents=True)
    shutil.copyfile(audio_sources["flac"], good)

    call_command("import", str(dirs.downloads), "--deep", stdout=io.StringIO())

    assert ImportBatch.objects.get().items.get().state == ImportItem.State.IMPORTED
    assert TrackFile.objects.get(is_broken=False)


def test_the_api_starts_a_deep_import(api_client, dirs, monkeypatch) -> None:
    monkeypatch.setattr("metadata.services.enqueue", lambda *args: None)

    response = api_client.post(
        "/api/metadata/imports",
        {"path": str(dirs.downloads), "deep": True},
        content_type="application/json",
    )

    assert response.status_code == 202 and response.json()["deep"] is True
    assert ImportBatch.objects.get().deep

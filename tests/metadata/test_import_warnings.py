"""Files imported with a warning (tags not written) are shown by the command, the API and the
pages, so a batch of untaggable files never looks clean."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import call_command
from django.urls import reverse

from library.tagging import TagSet, write_tags
from metadata.models import ImportBatch, ImportItem
from tests.library.formats_support import make
from tests.metadata.support import Dirs

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(dirs: Dirs, audio_sources) -> tuple[ImportBatch, str, str]:
    clean = dirs.downloads / "Band" / "Album" / "01 - Clean.flac"
    clean.parent.mkdir(parents=True)
    shutil.copyfile(audio_sources["flac"], clean)
    write_tags(clean, TagSet(title="Clean", artist="Band", album="Album", track_number=1))
    # AC-3 has no tags at all: the file goes in, its tags cannot.
    untaggable = make(dirs.downloads / "Band" / "Album" / "02 - Untaggable.ac3")
    out = io.StringIO()
    call_command("import", str(dirs.downloads), stdout=out)
    return ImportBatch.objects.get(), out.getvalue(), str(untaggable)


def test_the_command_lists_files_imported_with_warnings(imported) -> None:
    batch, text, untaggable = imported
    item = batch.items.get(source_path=untaggable)
    assert item.state == ImportItem.State.IMPORTED and item.reason.startswith("tags not written")
    assert "1 imported with warnings:" in text
    assert f"  1 × {item.reason}" in text
    assert f"  warning: {untaggable}: tags not written" in text
    assert "Clean.flac: " not in text


def test_the_api_names_the_warning(imported, api_client) -> None:
    batch, _, untaggable = imported

    detail = api_client.get(f"/api/metadata/imports/{batch.pk}").json()
    items = api_client.get("/api/metadata/import-items?state=imported").json()["items"]

    assert [(w["source_path"], w["warning"][:16]) for w in detail["warnings"]] == [
        (untaggable, "tags not written")
    ]
    by_path = {item["source_path"]: item["warning"] for item in items}
    assert by_path[untaggable].startswith("tags not written")
    assert [warning for path, warning in by_path.items() if path != untaggable] == [""]


def test_the_pages_show_the_warning(imported, logged_in_client) -> None:
    batch, _, untaggable = imported

    for url in (reverse("metadata:batch", args=[batch.pk]), reverse("metadata:imports")):
        page = logged_in_client.get(url).content.decode()
        assert "Imported with warnings" in page
        assert untaggable in page and "tags not written" in page

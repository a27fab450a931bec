"""Duplicate groups: the rules that link files, the keep policy, resolving and dismissing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from library import services
from library.models import DuplicateGroup, QualityProfile, TrackFile
from library.scanner import duplicates
from library.scanner.duplicates import Candidate, find_groups, keep_order
from tests.factories import DuplicateGroupFactory, TrackFactory, TrackFileFactory
from tests.library.support import music_root, song

pytestmark = pytest.mark.django_db
Status = DuplicateGroup.Status


@pytest.fixture(autouse=True)
def recycle_bin(settings, tmp_path: Path) -> Path:
    settings.SOULSPOT_RECYCLE_DIR = tmp_path / "recycle"
    return settings.SOULSPOT_RECYCLE_DIR


def candidate(pk: int, **facts: object) -> Candidate:
    defaults = {
        "path": f"/m/{pk}.flac",
        "sha256": f"hash{pk}",
        "duration_ms": 200_000,
        "quality": "flac",
        "tag_score": 5,
        "bitrate": 900,
        "isrc": None,
        "recording_id": None,
        "artist": f"Artist {pk}",
        "title": f"Title {pk}",
        "release_type": "album",
    }
    return Candidate(pk=pk, **{**defaults, **facts})


def grouped(*candidates: Candidate) -> list[list[int]]:
    return sorted(group.ids for group in find_groups(list(candidates)))


def scan_now() -> None:
    assert services.run_scan(services.start_scan(background=False).pk) == "completed"


# --- which files belong together --------------------------------------------------------------


def test_files_with_the_same_content_are_an_exact_group() -> None:
    groups = find_groups([candidate(1, sha256="x"), candidate(2, sha256="x"), candidate(3)])
    assert [(g.ids, g.kind, g.reasons) for g in groups] == [([1, 2], "exact", {"sha256"})]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"recording_id": "rec-1"}, {"recording_id": "rec-1"}),
        ({"isrc": "GBAAA2400001"}, {"isrc": "GBAAA2400001"}),
        ({"artist": "The XX", "title": "Islands!"}, {"artist": "xx", "title": "islands"}),
    ],
)
def test_the_same_recording_links_files_with_different_content(first: dict, second: dict) -> None:
    [group] = find_groups([candidate(1, **first), candidate(2, **second), candidate(3)])
    assert group.ids == [1, 2] and group.kind == "recording"


def test_the_same_artist_and_title_only_link_within_two_seconds() -> None:
    same = {"artist": "Band", "title": "Song"}
    assert grouped(
        candidate(1, duration_ms=200_000, **same),
        candidate(2, duration_ms=201_900, **same),
        candidate(3, duration_ms=260_000, **same),  # the live version
    ) == [[1, 2]]


def test_links_are_transitive_and_reasons_accumulate() -> None:
    [group] = find_groups(
        [candidate(1, sha256="x"), candidate(2, sha256="x", isrc="I"), candidate(3, isrc="I")]
    )
    assert group.ids == [1, 2, 3] and group.reasons == {"sha256", "isrc"}
    assert group.kind == "recording"  # not all three are identical


def test_broken_and_missing_files_are_never_grouped() -> None:
    track = TrackFactory()
    TrackFileFactory(track=track, sha256="x")
    TrackFileFactory(track=track, sha256="x", is_broken=True)
    TrackFileFactory(track=track, sha256="x", is_missing=True)

    assert duplicates.refresh_groups() == 0


# --- keep policy ------------------------------------------------------------------------------


def test_the_keeper_is_the_best_file_on_the_quality_ladder() -> None:
    ladder = QualityProfile.get_default().ladder
    files = [
        candidate(1, quality="mp3_320"),
        candidate(2, quality="flac"),
        candidate(3, quality="flac_24"),
        candidate(4, quality="mp3_low"),
    ]
    assert duplicates.proposed_keeper(files, ladder).pk == 3
    assert sorted(files, key=lambda c: keep_order(c, ladder))[-1].pk == 4  # not on the ladder


def test_on_equal_quality_the_file_with_more_complete_tags_is_kept() -> None:
    ladder = QualityProfile.get_default().ladder
    files = [candidate(1, tag_score=3), candidate(2, tag_score=8), candidate(3, tag_score=5)]
    assert duplicates.proposed_keeper(files, ladder).pk == 2


def test_then_the_album_copy_and_the_plain_name_are_preferred() -> None:
    ladder = QualityProfile.get_default().ladder
    single = candidate(1, release_type="single", path="/m/Song.flac")
    album = candidate(2, path="/m/Song (1).flac")
    plain = candidate(3, path="/m/Song.flac")
    assert duplicates.proposed_keeper([single, album], ladder).pk == 2
    assert duplicates.proposed_keeper([album, plain], ladder).pk == 3


# --- groups stored by scans -------------------------------------------------------------------


def test_a_scan_stores_groups_with_members_and_the_proposed_keeper() -> None:
    root = music_root()
    best = song(root, "A", "B", 1, "Song", ext="flac")
    worse = song(root, "A", "B", 1, "Song", ext="mp3", bitrate_kbps=128)
    scan_now()

    group = DuplicateGroup.objects.with_files().get()
    assert (group.kind, group.status, group.reasons) == (
        "recording",
        "open",
        "same artist and title",
    )
    assert {f.path for f in group.files.all()} == {str(best), str(worse)}
    assert group.keeper.path == str(best)


def test_a_dismissed_group_stays_dismissed_until_its_files_change() -> None:
    root = music_root()
    original = song(root, "A", "B", 1, "Song")
    shutil.copyfile(original, original.with_name("copy.flac"))
    scan_now()
    group = DuplicateGroup.objects.get()
    services.dismiss_duplicate_group(group.pk)

    scan_now()
    duplicates.refresh_groups()
    assert DuplicateGroup.objects.get().status == Status.DISMISSED

    shutil.copyfile(original, original.with_name("another copy.flac"))
    scan_now()
    group = DuplicateGroup.objects.get()
    assert group.status == Status.OPEN and group.files.count() == 3


def test_a_group_whose_copies_are_gone_disappears() -> None:
    root = music_root()
    original = song(root, "A", "B", 1, "Song")
    copy = Path(shutil.copyfile(original, original.with_name("copy.flac")))
    scan_now()
    copy.unlink()

    scan_now()

    assert not DuplicateGroup.objects.exists()
    assert not TrackFile.objects.filter(duplicate_group__isnull=False).exists()


# --- resolving --------------------------------------------------------------------------------


@pytest.fixture
def exact_pair() -> tuple[Path, Path, DuplicateGroup]:
    root = music_root()
    original = song(root, "A", "B", 1, "Song")
    copy = Path(shutil.copyfile(original, original.with_name("01 - Song (1).flac")))
    scan_now()
    return original, copy, DuplicateGroup.objects.get()


def test_resolving_moves_the_others_to_the_recycle_bin_and_keeps_the_keeper(
    exact_pair,
    recycle_bin: Path,
) -> None:
    original, copy, group = exact_pair

    result = services.resolve_duplicate_group(group.pk)

    assert result.ok and result.keeper_id == TrackFile.objects.get(path=str(original)).pk
    assert original.exists() and not copy.exists()
    recycled = Path(result.moved[0]["recycled_to"])
    assert recycled.is_file() and recycled.is_relative_to(recycle_bin)
    assert recycled.parts[-3:] == ("A", "B", copy.name)  # the library layout is kept
    assert "duplicate of" in recycled.with_name(recycled.name + ".reason.txt").read_text()
    moved = TrackFile.objects.get(path=str(copy))
    assert moved.is_missing and moved.recycled_to == str(recycled)
    group.refresh_from_db()
    assert group.status == Status.RESOLVED and group.resolution == result.moved


def test_the_user_may_keep_another_file_of_the_group(exact_pair) -> None:
    original, copy, group = exact_pair
    keep = TrackFile.objects.get(path=str(copy))

    services.resolve_duplicate_group(group.pk, keep.pk)

    assert copy.exists() and not original.exists()


def test_keeping_a_file_outside_the_group_is_refused_and_nothing_moves(exact_pair) -> None:
    original, copy, group = exact_pair
    stranger = TrackFileFactory()

    with pytest.raises(services.DuplicateError):
        services.resolve_duplicate_group(group.pk, stranger.pk)

    assert original.exists() and copy.exists()
    group.refresh_from_db()
    assert group.status == Status.OPEN


def test_a_keeper_gone_from_disk_stops_the_resolution_before_anything_moves(exact_pair) -> None:
    original, copy, group = exact_pair
    original.unlink()

    with pytest.raises(services.DuplicateError, match="no longer on disk"):
        services.resolve_duplicate_group(group.pk)

    assert copy.exists()


def test_a_group_is_resolved_once(exact_pair) -> None:
    _, _, group = exact_pair
    services.resolve_duplicate_group(group.pk)

    with pytest.raises(services.DuplicateError, match="not open"):
        services.resolve_duplicate_group(group.pk)


def test_a_copy_already_gone_is_simply_marked_missing(exact_pair) -> None:
    _, copy, group = exact_pair
    copy.unlink()

    result = services.resolve_duplicate_group(group.pk)

    assert result.ok and result.moved[0]["recycled_to"] == ""
    assert TrackFile.objects.get(path=str(copy)).is_missing


def test_a_duplicate_behind_a_symlink_to_outside_is_never_moved(recycle_bin: Path) -> None:
    """Issue 10, finding 2: a file catalogued under `music/linked -> /elsewhere` (as scans did
    before they stopped following such links) must not be moved out of /elsewhere."""
    root = music_root()
    original = song(root, "A", "B", 1, "Song")
    (root / "linked").mkdir()
    shutil.copyfile(original, root / "linked" / original.name)
    scan_now()
    group = DuplicateGroup.objects.get()
    elsewhere = root.parent / f"{root.name}-elsewhere"
    shutil.move(root / "linked", elsewhere)
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)
    keep = TrackFile.objects.get(path=str(original))

    result = services.resolve_duplicate_group(group.pk, keep.pk)

    assert not result.ok and result.moved == []
    [failed] = result.failed
    assert failed.path == str(root / "linked" / original.name)
    assert "outside the music folder" in failed.error
    assert (elsewhere / original.name).is_file() and original.is_file()
    assert not recycle_bin.exists() or not any(recycle_bin.rglob("*.flac"))
    assert not TrackFile.objects.get(pk=failed.file_id).is_missing


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_open_groups_with_files_and_keeper(api_client, exact_pair) -> None:
    original, copy, group = exact_pair

    body = api_client.get("/api/library/duplicates").json()

    assert body["count"] == 1
    item = body["items"][0]
    assert (item["id"], item["kind"], item["status"]) == (group.pk, "exact", "open")
    assert [f["path"] for f in item["files"]] == [str(copy), str(original)] or [
        f["path"] for f in item["files"]
    ] == [str(original), str(copy)]
    assert item["keeper_id"] == TrackFile.objects.get(path=str(original)).pk
    assert item["files"][0]["track"]["title"] == "Song"


def test_the_api_resolves_a_group(api_client, exact_pair) -> None:
    _, copy, group = exact_pair

    def post(url: str) -> object:  # an empty body, as `curl -X POST` sends
        return api_client.post(url, content_type="application/json")

    response = post(f"/api/library/duplicates/{group.pk}/resolve")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["moved"][0]["path"] == str(copy) and body["failed"] == []
    assert post(f"/api/library/duplicates/{group.pk}/resolve").status_code == 409
    assert post("/api/library/duplicates/999999/resolve").status_code == 404


def test_the_api_resolves_keeping_a_chosen_file(api_client, exact_pair) -> None:
    original, copy, group = exact_pair
    keep = TrackFile.objects.get(path=str(copy)).pk

    response = api_client.post(
        f"/api/library/duplicates/{group.pk}/resolve",
        {"keep_file_id": keep},
        content_type="application/json",
    )

    assert response.json()["keeper_id"] == keep and not original.exists()


def test_the_api_dismisses_a_group(api_client, exact_pair) -> None:
    _, _, group = exact_pair

    assert api_client.post(f"/api/library/duplicates/{group.pk}/dismiss").status_code == 204
    assert api_client.get("/api/library/duplicates").json()["count"] == 0
    assert api_client.post(f"/api/library/duplicates/{group.pk}/dismiss").status_code == 409


@pytest.mark.parametrize("url", ["/api/library/duplicates", "/library/duplicates/"])
def test_the_duplicate_lists_use_the_same_queries_for_5_or_50_groups(
    api_client,
    logged_in_client,
    django_assert_max_num_queries,
    url: str,
) -> None:
    client = api_client if url.startswith("/api") else logged_in_client
    DuplicateGroupFactory.create_batch(5, files=3)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    DuplicateGroupFactory.create_batch(45, files=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_duplicates_page_resolves_with_the_chosen_keeper(logged_in_client, exact_pair) -> None:
    original, copy, group = exact_pair
    keep = TrackFile.objects.get(path=str(copy)).pk

    page = logged_in_client.get("/library/duplicates/").content.decode()
    response = logged_in_client.post(
        f"/library/duplicates/{group.pk}/resolve/", {"keep": keep, "next": "/library/duplicates/"}
    )

    assert str(original) in page and "Keep selected" in page
    assert response.status_code == 302 and response["Location"] == "/library/duplicates/"
    assert copy.exists() and not original.exists()

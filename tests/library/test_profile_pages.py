"""The quality profile pages: the list with usage, the ladder editor, default and delete."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from automation.models import WatchedArtist
from downloads.matching import MatchContext, SearchFile, Want, rank
from downloads.models import DownloadJob, FilterRule
from library.models import QualityProfile
from library.quality import DEFAULT_LADDER, QUALITIES
from tests.factories import ArtistFactory, DownloadJobFactory, TrackFactory

pytestmark = pytest.mark.django_db

LIST = "/library/profiles/"
NEW = "/library/profiles/new/"


def edit_url(profile: QualityProfile) -> str:
    return f"/library/profiles/{profile.pk}/"


def lossy(**fields: object) -> QualityProfile:
    values = {"name": "Lossy", "ladder": ["mp3_320", "mp3_v0", "aac_256"], "cutoff": "mp3_v0"}
    return QualityProfile.objects.create(**{**values, **fields})


def cells(html: str) -> list[list[str]]:
    """The table rows of a page as lists of cell texts."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    return [
        [
            " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in rows
        if "<td>" in row
    ]


def form_of(profile: QualityProfile | None = None, **changes: object) -> dict[str, object]:
    """What the editor's form posts for a profile as stored, with `changes` on top."""
    ladder = list(profile.ladder if profile else DEFAULT_LADDER)
    data: dict[str, object] = {
        "name": profile.name if profile else "",
        "order": ladder + [key for key in QUALITIES if key not in ladder],
        "allowed": ladder,
        "cutoff": profile.cutoff if profile else "wav",
        "unknown_bitrate": "rung" if "mp3_unknown" in ladder else "reject",
    }
    return {**data, **changes}


def ladder_on_page(html: str) -> list[str]:
    """The allowed rungs' labels as the editor shows them, in order."""
    return [row[1] for row in cells(html) if row[0].isdigit()]


def cutoff_options(html: str) -> list[str]:
    select = re.search(r'<select id="profile-cutoff".*?</select>', html, re.S)[0]
    return re.findall(r'<option value="(\w*)"', select)


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_the_default_each_ladder_and_what_uses_each(logged_in_client) -> None:
    default = QualityProfile.get_default()
    mine = lossy()
    TrackFactory.create_batch(2, quality_profile=mine)
    TrackFactory.create_batch(3)  # no profile: they follow the default
    WatchedArtist.objects.create(artist=ArtistFactory(), musicbrainz_id="m1", quality_profile=mine)
    DownloadJobFactory(quality_profile=mine, track__quality_profile=mine)  # queued: in use
    done = DownloadJob.Status.COMPLETED  # history: does not count
    DownloadJobFactory(quality_profile=mine, track__quality_profile=mine, status=done)

    response = logged_in_client.get(LIST)

    assert response.status_code == 200
    rows = cells(response.content.decode())
    assert rows[0][:4] == [
        f"{default.name} default",
        ", ".join(QUALITIES[k] for k in DEFAULT_LADDER),
        "WAV/AIFF",
        "3 (0 by name, the rest by default)",
    ]
    assert rows[0][4] == "nothing else"
    assert rows[1][:5] == [
        "Lossy",
        "MP3 320, MP3 V0, AAC 256+",
        "MP3 V0",
        "4",
        "1 download job, 1 watched artist",
    ]
    assert "in use, cannot be deleted" in rows[1][5]
    assert "Make default" in rows[1][5]


def test_an_unused_profile_offers_delete_and_the_default_does_not(logged_in_client) -> None:
    QualityProfile.get_default()
    unused = lossy(name="Spare")

    html = logged_in_client.get(LIST).content.decode()

    assert f"/library/profiles/{unused.pk}/delete/" in html
    assert html.count("/delete/") == 1


def test_the_list_costs_the_same_queries_for_one_profile_or_many(logged_in_client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert logged_in_client.get(LIST).status_code == 200
        return len(captured)

    mine = lossy()
    TrackFactory(quality_profile=mine)
    one = queries()
    for n in range(6):
        extra = lossy(name=f"Extra {n}")
        TrackFactory(quality_profile=extra)
        DownloadJobFactory(quality_profile=extra)
        FilterRule.objects.create(name=f"r{n}", kind="deny", field="path", quality_profile=extra)

    assert queries() == one


# --- the editor ---------------------------------------------------------------------------------


def test_the_editor_lists_every_known_quality_the_allowed_ones_first(logged_in_client) -> None:
    profile = lossy()

    html = logged_in_client.get(edit_url(profile)).content.decode()

    assert ladder_on_page(html) == ["MP3 320", "MP3 V0", "AAC 256+"]
    labels = [row[1] for row in cells(html)]
    assert sorted(labels) == sorted(QUALITIES.values())
    assert cutoff_options(html) == ["mp3_320", "mp3_v0", "aac_256"]
    assert '<option value="mp3_v0" selected>' in html
    assert '<option value="reject" selected>' in html  # mp3_unknown is off this ladder


def test_moving_a_rung_up_redraws_the_ladder_without_saving(logged_in_client) -> None:
    profile = lossy()

    response = logged_in_client.post(edit_url(profile), form_of(profile, move="up:aac_256"))

    assert response.status_code == 200
    assert ladder_on_page(response.content.decode()) == ["MP3 320", "AAC 256+", "MP3 V0"]
    profile.refresh_from_db()
    assert profile.ladder == ["mp3_320", "mp3_v0", "aac_256"]


def test_moving_the_best_rung_up_or_the_last_down_changes_nothing(logged_in_client) -> None:
    profile = lossy()
    for move in ("up:mp3_320", "down:aac_256", "up:mp3_low", "sideways:mp3_v0"):
        html = logged_in_client.post(edit_url(profile), form_of(profile, move=move)).content
        assert ladder_on_page(html.decode()) == ["MP3 320", "MP3 V0", "AAC 256+"], move


def test_a_click_through_htmx_answers_the_editor_alone(logged_in_client) -> None:
    profile = lossy()

    response = logged_in_client.post(
        edit_url(profile), form_of(profile, move="down:mp3_320"), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<form method="post" id="profile-editor"')
    assert "<html" not in html
    assert ladder_on_page(html) == ["MP3 V0", "MP3 320", "AAC 256+"]


def test_allowing_and_excluding_rungs_changes_the_cutoff_choices(logged_in_client) -> None:
    profile = lossy()
    allowed = ["mp3_320", "aac_256", "flac"]  # MP3 V0 out, FLAC in

    html = logged_in_client.post(edit_url(profile), form_of(profile, allowed=allowed)).content

    # A newly allowed rung joins at the bottom, to be moved up from there.
    assert ladder_on_page(html.decode()) == ["MP3 320", "AAC 256+", "FLAC"]
    assert cutoff_options(html.decode()) == ["", "mp3_320", "aac_256", "flac"]


def test_saving_writes_the_ladder_cutoff_and_policy_through_the_service(logged_in_client) -> None:
    profile = lossy()
    data = form_of(
        profile,
        order=["flac", "mp3_320", "mp3_v0", "aac_256"],
        allowed=["flac", "mp3_320", "mp3_v0"],
        cutoff="flac",
        unknown_bitrate="lowest",
        name="Mostly lossless",
        action="save",
    )

    response = logged_in_client.post(edit_url(profile), data)

    assert response.status_code == 302
    assert response["Location"] == LIST
    profile.refresh_from_db()
    assert profile.name == "Mostly lossless"
    assert profile.ladder == ["flac", "mp3_320", "mp3_v0", "mp3_unknown"]
    assert profile.cutoff == "flac"
    assert not profile.is_default


def test_a_cutoff_that_was_excluded_must_be_chosen_again(logged_in_client) -> None:
    profile = lossy()
    data = form_of(profile, allowed=["mp3_320", "aac_256"], action="save")  # cutoff was mp3_v0

    response = logged_in_client.post(edit_url(profile), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the cutoff among the allowed qualities." in html
    assert re.search(r'id="cutoff-errors"', html)
    profile.refresh_from_db()
    assert profile.ladder == ["mp3_320", "mp3_v0", "aac_256"]


def test_a_ladder_with_nothing_allowed_is_refused(logged_in_client) -> None:
    profile = lossy()

    response = logged_in_client.post(edit_url(profile), form_of(profile, allowed=[], action="save"))

    assert response.status_code == 400
    assert 'id="ladder-errors"' in response.content.decode()
    assert "Allow at least one quality." in response.content.decode()


def test_a_name_another_profile_has_is_refused_by_the_service(logged_in_client) -> None:
    QualityProfile.get_default()
    profile = lossy()

    data = form_of(profile, name="Lossless first", action="save")
    response = logged_in_client.post(edit_url(profile), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "a profile named &#x27;Lossless first&#x27; already exists." in html
    assert 'id="name-errors"' in html
    profile.refresh_from_db()
    assert profile.name == "Lossy"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "Give the profile a name."),
        ("x" * 101, "name is longer than 100 characters"),
        ("a\x00b", "name must not contain NUL characters"),
    ],
)
def test_a_bad_name_is_shown_beside_the_name(logged_in_client, name: str, error: str) -> None:
    profile = lossy()

    response = logged_in_client.post(edit_url(profile), form_of(profile, name=name, action="save"))

    assert response.status_code == 400
    assert re.search(r'id="name-errors"><li>' + re.escape(error), response.content.decode())
    profile.refresh_from_db()
    assert profile.name == "Lossy"


def test_forged_quality_keys_are_dropped_not_saved(logged_in_client) -> None:
    profile = lossy()
    data = form_of(
        profile,
        order=["bogus", "mp3_320", "mp3_320", "x" * 5000],
        allowed=["bogus", "mp3_320"],
        cutoff="bogus",
        unknown_bitrate="sometimes",
        action="save",
    )

    response = logged_in_client.post(edit_url(profile), data)

    assert response.status_code == 400  # the forged cutoff is gone: choose one again
    data["cutoff"] = "mp3_320"
    assert logged_in_client.post(edit_url(profile), data).status_code == 302
    profile.refresh_from_db()
    assert profile.ladder == ["mp3_320"]


# --- unknown bitrate ----------------------------------------------------------------------------


def unknown_bitrate_mp3() -> SearchFile:
    path = "@@x\\Music\\Radiohead\\Pablo Honey\\02 - Creep.mp3"
    return SearchFile(username="peer", filename=path, size=9_000_000, length_s=238)


def verdict_under(profile: QualityProfile) -> bool:
    want = Want(artist="Radiohead", title="Creep", album="Pablo Honey", duration_ms=238_000)
    (scored,) = rank(want, [unknown_bitrate_mp3()], MatchContext(ladder=profile.ladder))
    return scored.accepted


def test_rejecting_unknown_bitrate_makes_the_matcher_refuse_such_mp3s(logged_in_client) -> None:
    profile = QualityProfile.get_default()
    assert verdict_under(profile)  # the default ladder has the unknown-bitrate rung

    data = form_of(profile, unknown_bitrate="reject", action="save")
    assert logged_in_client.post(edit_url(profile), data).status_code == 302

    profile.refresh_from_db()
    assert "mp3_unknown" not in profile.ladder
    assert profile.ladder == [key for key in DEFAULT_LADDER if key != "mp3_unknown"]
    assert not verdict_under(profile)


def test_accepting_unknown_bitrate_as_the_lowest_rung_puts_it_last(logged_in_client) -> None:
    profile = lossy()
    data = form_of(profile, unknown_bitrate="lowest", action="save")

    assert logged_in_client.post(edit_url(profile), data).status_code == 302

    profile.refresh_from_db()
    assert profile.ladder == ["mp3_320", "mp3_v0", "aac_256", "mp3_unknown"]
    assert verdict_under(profile)
    html = logged_in_client.get(edit_url(profile)).content.decode()
    assert '<option value="lowest" selected>' in html


def test_moving_the_unknown_bitrate_rung_up_places_it_there(logged_in_client) -> None:
    profile = lossy(ladder=["mp3_320", "mp3_v0", "mp3_unknown"])
    data = form_of(profile, unknown_bitrate="lowest", move="up:mp3_unknown")

    html = logged_in_client.post(edit_url(profile), data).content.decode()

    assert ladder_on_page(html) == ["MP3 320", "MP3 (bitrate unknown)", "MP3 V0"]
    assert '<option value="rung" selected>' in html


# --- creating, default, delete ------------------------------------------------------------------


def test_a_new_profile_starts_from_the_default_ladder_and_can_become_default(
    logged_in_client,
) -> None:
    old_default = QualityProfile.get_default()
    html = logged_in_client.get(NEW).content.decode()
    assert ladder_on_page(html) == [QUALITIES[key] for key in DEFAULT_LADDER]

    data = form_of(None, name="Hi-res only", allowed=["flac_24"], cutoff="flac_24")
    data.update(unknown_bitrate="reject", is_default="on", action="save")
    response = logged_in_client.post(NEW, data)

    assert response.status_code == 302
    created = QualityProfile.objects.get(name="Hi-res only")
    assert (created.ladder, created.cutoff, created.is_default) == (["flac_24"], "flac_24", True)
    old_default.refresh_from_db()
    assert not old_default.is_default


def test_make_default_moves_the_default(logged_in_client) -> None:
    old = QualityProfile.get_default()
    mine = lossy()

    response = logged_in_client.post(f"/library/profiles/{mine.pk}/default/")

    assert response.status_code == 302
    assert list(QualityProfile.objects.filter(is_default=True)) == [mine]
    old.refresh_from_db()
    assert not old.is_default
    assert "Lossy is now the default profile." in logged_in_client.get(LIST).content.decode()


def test_an_unused_profile_is_deleted(logged_in_client) -> None:
    QualityProfile.get_default()
    spare = lossy(name="Spare")
    finished = DownloadJobFactory(quality_profile=spare, status=DownloadJob.Status.FAILED)

    response = logged_in_client.post(f"/library/profiles/{spare.pk}/delete/")

    assert response.status_code == 302
    assert not QualityProfile.objects.filter(pk=spare.pk).exists()
    finished.refresh_from_db()
    assert finished.quality_profile is None


def use(profile: QualityProfile, kind: str) -> str:
    """Make one row of `kind` name the profile; the words the refusal uses for it."""
    if kind == "track":
        TrackFactory(quality_profile=profile)
        return "1 track"
    if kind == "rule":
        FilterRule.objects.create(name="r", kind="deny", field="path", quality_profile=profile)
        return "1 filter rule"
    if kind == "job":
        DownloadJobFactory(quality_profile=profile, status=DownloadJob.Status.PAUSED)
        return "1 download job"
    WatchedArtist.objects.create(
        artist=ArtistFactory(), musicbrainz_id="m", quality_profile=profile
    )
    return "1 watched artist"


@pytest.mark.parametrize("kind", ["track", "rule", "job", "watch"])
def test_a_profile_in_use_is_not_deleted(logged_in_client, kind: str) -> None:
    QualityProfile.get_default()
    mine = lossy()
    words = use(mine, kind)

    logged_in_client.post(f"/library/profiles/{mine.pk}/delete/")

    assert QualityProfile.objects.filter(pk=mine.pk).exists()
    # A filter rule would have gone with its profile (CASCADE): it is still there.
    assert FilterRule.objects.filter(quality_profile=mine).count() == (kind == "rule")
    assert f"Lossy is still used by {words}" in logged_in_client.get(LIST).content.decode()


def test_the_default_profile_is_not_deleted(logged_in_client) -> None:
    default = QualityProfile.get_default()

    logged_in_client.post(f"/library/profiles/{default.pk}/delete/")

    assert QualityProfile.objects.filter(pk=default.pk).exists()
    assert "is the default profile: make another one the default first" in (
        logged_in_client.get(LIST).content.decode()
    )


@pytest.mark.parametrize(
    ("method", "suffix"), [("get", ""), ("post", ""), ("post", "default/"), ("post", "delete/")]
)
def test_a_missing_profile_is_404(logged_in_client, method: str, suffix: str) -> None:
    response = getattr(logged_in_client, method)(f"/library/profiles/999999/{suffix}")
    assert response.status_code == 404


def test_the_pages_need_a_login(client: Client) -> None:
    spare = lossy(name="Spare")
    for method, url in [
        ("get", LIST),
        ("get", NEW),
        ("get", edit_url(spare)),
        ("post", edit_url(spare)),
        ("post", f"/library/profiles/{spare.pk}/delete/"),
        ("post", f"/library/profiles/{spare.pk}/default/"),
    ]:
        response = getattr(client, method)(url, form_of(spare, action="save"))
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url
    assert QualityProfile.objects.filter(pk=spare.pk, is_default=False).exists()


@pytest.mark.parametrize("value", ["9" * 30, "-5", "a\x00b", "x" * 60_000, ""])
def test_hostile_values_in_every_field_never_answer_5xx(logged_in_client, value: str) -> None:
    profile = lossy()
    fields = ["name", "order", "allowed", "cutoff", "unknown_bitrate", "move", "is_default"]
    for action in ("save", "", value):
        data = {name: value for name in fields} | {"action": action}
        response = logged_in_client.post(edit_url(profile), data)
        assert response.status_code in {200, 400}, (action, response.status_code)
    profile.refresh_from_db()
    assert profile.ladder == ["mp3_320", "mp3_v0", "aac_256"]

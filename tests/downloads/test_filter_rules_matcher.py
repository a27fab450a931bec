"""Filter rules inside the matcher: deny, allow, size bounds and prefer bonuses, with reasons."""

from __future__ import annotations

from typing import Any

import pytest

from downloads.matching import (
    MatchContext,
    SearchFile,
    Want,
    group_album_folders,
    rank,
    rank_album_folders,
)
from downloads.matching.rules import RuleSet, RuleSpec, rule_problem

CREEP = Want(artist="Radiohead", title="Creep", album="Pablo Honey", duration_ms=238_000)
STUDIO = "@@a\\Music\\Radiohead\\Pablo Honey\\02 Creep.flac"
LIVE = "@@b\\Music\\Radiohead\\Live\\02 Creep.flac"
NO_LIVE = RuleSpec(name="No live", kind="deny", field="folder", pattern=r"\\Live\\")


def hit(path: str, user: str = "peer", **fields: Any) -> SearchFile:
    defaults: dict[str, Any] = {
        "size": 30_000_000,
        "extension": "flac",
        "bit_depth": 16,
        "sample_rate": 44100,
        "length_s": 238,
        "has_free_slot": True,
        "upload_speed": 2_000_000,
    }
    return SearchFile(username=user, filename=path, **{**defaults, **fields})


def judged(files: list[SearchFile], *rules: RuleSpec, want: Want = CREEP) -> dict[str, Any]:
    ranked = rank(want, files, MatchContext(rules=RuleSet(rules)))
    return {(v.file.username, v.file.filename): v for v in ranked}


def test_a_deny_rule_refuses_a_matching_folder_and_names_itself() -> None:
    verdicts = judged([hit(STUDIO, "a"), hit(LIVE, "b")], NO_LIVE)

    live = verdicts[("b", LIVE)]
    assert not live.accepted and live.gate == "rule"
    assert live.rejection_reason == r"refused by rule 'No live' (deny folder \\Live\\)"
    assert verdicts[("a", STUDIO)].accepted


def test_without_the_rule_the_same_file_is_refused_for_another_reason_or_passes() -> None:
    verdicts = judged([hit(LIVE, "b")])
    assert "rule" not in (verdicts[("b", LIVE)].rejection_reason or "")


def test_a_deny_rule_is_case_insensitive_and_searches_anywhere_in_the_path() -> None:
    rule = RuleSpec(name="No bootlegs", kind="deny", field="path", pattern="BOOTLEG")
    path = "@@c\\Music\\Radiohead\\Pablo Honey [bootleg]\\02 Creep.flac"
    assert not judged([hit(path)], rule)[("peer", path)].accepted


def test_allow_rules_of_one_field_refuse_files_matching_none_of_them() -> None:
    only_music = RuleSpec(name="Music share", kind="allow", field="path", pattern=r"\\Music\\")
    only_flac = RuleSpec(name="FLAC", kind="allow", field="path", pattern=r"\.flac$")
    elsewhere = "@@d\\Downloads\\Radiohead - Creep.flac"
    verdicts = judged([hit(STUDIO, "a"), hit(elsewhere, "d")], only_music)
    assert verdicts[("a", STUDIO)].accepted
    refused = verdicts[("d", elsewhere)]
    assert not refused.accepted
    assert refused.rejection_reason.startswith("refused by rule 'Music share' (allow path")
    # Either allow rule of the field is enough.
    assert judged([hit(elsewhere, "d")], only_music, only_flac)[("d", elsewhere)].accepted


def test_an_allow_rule_on_the_user_field_keeps_only_those_peers() -> None:
    friends = RuleSpec(name="Friends", kind="allow", field="user", pattern="^(alice|bob)$")
    verdicts = judged([hit(STUDIO, "alice"), hit(STUDIO, "mallory")], friends)
    assert verdicts[("alice", STUDIO)].accepted
    assert "'Friends'" in verdicts[("mallory", STUDIO)].rejection_reason


def test_size_rules_refuse_files_outside_or_inside_their_bounds() -> None:
    sane = RuleSpec(
        name="Sane size", kind="allow", field="size", min_size=1_000_000, max_size=100_000_000
    )
    tiny, huge, right = hit(STUDIO, "tiny", size=500), hit(STUDIO, "huge", size=10**9), hit(STUDIO)
    verdicts = judged([tiny, huge, right], sane)
    assert verdicts[("peer", STUDIO)].accepted
    assert not verdicts[("tiny", STUDIO)].accepted and not verdicts[("huge", STUDIO)].accepted
    assert "allow size 1000000–100000000 bytes" in verdicts[("tiny", STUDIO)].rejection_reason
    no_small = RuleSpec(name="No stubs", kind="deny", field="size", max_size=1_000_000)
    verdicts = judged([tiny, right], no_small)
    assert not verdicts[("tiny", STUDIO)].accepted and verdicts[("peer", STUDIO)].accepted


def test_a_prefer_rule_adds_its_bonus_changes_the_order_and_explains_itself() -> None:
    fast = hit(STUDIO, "fast", upload_speed=5_000_000, queue_length=0)
    web = "@@w\\Music\\Radiohead\\Pablo Honey [WEB]\\02 Creep.flac"
    slow_web = hit(web, "slow", upload_speed=10_000, has_free_slot=False, queue_length=50)
    assert rank(CREEP, [fast, slow_web])[0].file.username == "fast"

    prefer = RuleSpec(name="WEB first", kind="prefer", field="folder", words=("web",), bonus=10)
    ranked = rank(CREEP, [fast, slow_web], MatchContext(rules=RuleSet([prefer])))

    assert [v.file.username for v in ranked] == ["slow", "fast"]
    assert ranked[0].breakdown["rules"]["points"] == 10
    assert ranked[0].breakdown["rules"]["matched"] == [
        {"name": "WEB first", "bonus": 10, "rule": "prefer folder web (+10)"}
    ]
    assert ranked[1].breakdown["rules"] == {
        "value": None,
        "weight": None,
        "points": 0.0,
        "matched": [],
    }
    plain = rank(CREEP, [slow_web])[0].score
    assert ranked[0].score == pytest.approx(plain + 10)


def test_prefer_words_match_whole_words_only() -> None:
    prefer = RuleSpec(name="WEB", kind="prefer", field="path", words=("web",), bonus=5)
    cobweb = "@@c\\Music\\Radiohead\\Cobwebs\\02 Creep.flac"
    assert judged([hit(cobweb)], prefer)[("peer", cobweb)].breakdown["rules"]["points"] == 0


def test_album_folders_are_refused_by_rules_on_any_of_their_files() -> None:
    want = Want(artist="Radiohead", title="Pablo Honey", album="Pablo Honey", kind="album")
    studio = [hit(f"@@a\\Music\\Radiohead\\Pablo Honey\\0{n} Song {n}.flac", "a") for n in (1, 2)]
    live = [hit(f"@@b\\Radiohead\\Live\\Pablo Honey\\0{n} Song {n}.flac", "b") for n in (1, 2)]
    ctx = MatchContext(rules=RuleSet([NO_LIVE]))

    ranked = rank_album_folders(want, group_album_folders(studio + live), ctx)

    by_user = {v.folder.username: v for v in ranked}
    assert by_user["a"].accepted
    assert by_user["b"].rejection_reason == r"refused by rule 'No live' (deny folder \\Live\\)"


def test_an_album_folder_gets_a_prefer_bonus_only_when_every_file_matches() -> None:
    want = Want(artist="Radiohead", title="Pablo Honey", album="Pablo Honey", kind="album")
    folder = "@@a\\Music\\Radiohead\\Pablo Honey"
    files = [hit(f"{folder}\\01 One [24bit].flac"), hit(f"{folder}\\02 Two.flac")]
    prefer = RuleSpec(name="Hi-res", kind="prefer", field="path", words=("24bit",), bonus=7)
    ranked = rank_album_folders(
        want, group_album_folders(files), MatchContext(rules=RuleSet([prefer]))
    )
    assert ranked[0].accepted and ranked[0].breakdown["rules"]["points"] == 0


@pytest.mark.parametrize(
    ("pattern", "position"), [("(live", 0), ("a{5,2}", 2), ("ok\\", 2), ("[abc", 0)]
)
def test_a_bad_regex_is_named_with_its_position(pattern: str, position: int) -> None:
    problem = rule_problem(RuleSpec(name="x", kind="deny", field="path", pattern=pattern))
    assert problem is not None and f"at position {position}:" in problem


def test_size_rules_need_a_bound_and_min_not_above_max() -> None:
    assert "minimum, a maximum" in rule_problem(RuleSpec(name="s", kind="deny", field="size"))
    upside_down = RuleSpec(name="s", kind="allow", field="size", min_size=10, max_size=5)
    assert "above the maximum" in rule_problem(upside_down)
    assert rule_problem(RuleSpec(name="s", kind="allow", field="size", min_size=5)) is None

"""A small, realistic sample network for the demo and for exploratory testing.

Two fictional albums shared by several peers in different layouts and formats, with junk files,
locked files, a peer whose transfers break, one that lies about sizes, a slow queue and an
offline peer. The same local file is shared by several peers under different remote names.
"""

from __future__ import annotations

from pathlib import Path

from fakes.audio import make_audio, make_random_bytes_file

from .network import Network

ALBUMS = {
    "First Light": ("The Example Band", 2001, ["Dawn", "Morning Run", "High Noon", "Dusk"]),
    "Quiet Hours": ("Northern Lights", 2019, ["Still Water", "Low Tide", "Harbour"]),
}
# local folder -> make_audio keyword arguments
_FORMATS = {
    "flac16": {"ext": "flac"},
    "flac24": {"ext": "flac", "bit_depth": 24, "sample_rate": 96000},
    "mp3": {"ext": "mp3", "bitrate_kbps": 320},
    "mp3low": {"ext": "mp3"},
    "ogg": {"ext": "ogg", "bitrate_kbps": 192},
}


def build_sample_network(root: Path, *, seconds: float = 3.0) -> Network:
    """Generate the audio under `root`, describe the peers, save `root/scenario.json`."""
    network = Network.build(root)
    files = _generate(Path(root), seconds)
    _add_album_sharers(network, files)
    _add_awkward_peers(network, files, Path(root))
    network.save_scenario()
    return network


def _generate(root: Path, seconds: float) -> dict[tuple[str, str, int], Path]:
    """(album, format, track number) -> local file; each track has its own tone."""
    out = {}
    seed = 0
    for album, (_artist, _year, titles) in ALBUMS.items():
        for number, title in enumerate(titles, start=1):
            seed += 1
            for fmt, spec in _FORMATS.items():
                kwargs = {k: v for k, v in spec.items() if k != "ext"}
                path = root / "audio" / fmt / album / f"{number:02d} {title}.{spec['ext']}"
                if not path.exists():
                    make_audio(path, seconds=seconds, seed=seed, **kwargs)
                out[(album, fmt, number)] = path
    return out


def _add_album_sharers(network: Network, files: dict[tuple[str, str, int], Path]) -> None:
    flacfan = network.add_user("flacfan", root="@@xkqtz", upload_speed=1_843_200)
    mp3user = network.add_user(
        "mp3user",
        queue_length=37,
        has_free_upload_slot=False,
        upload_speed=240_000,
        blank_extensions=True,
    )
    hires = network.add_user("hires", root="@@abcde", upload_speed=4_000_000)
    linux = network.add_user("ana", separator="/", upload_speed=900_000)
    for album, (artist, year, titles) in ALBUMS.items():
        for number, title in enumerate(titles, start=1):
            name = f"{number:02d} - {title}"
            flacfan.share(
                f"Music\\{artist}\\{album} ({year})\\{name}.flac", files[(album, "flac16", number)]
            )
            mp3user.share(
                f"Music\\{artist} - {album}\\{number:02d} {title}.mp3",
                files[(album, "mp3", number)],
            )
            hires.share(
                f"Lossless\\{artist}\\{year} - {album} [24-96]\\{name}.flac",
                files[(album, "flac24", number)],
            )
            linux.share(
                f"/home/ana/music/{artist}/{album}/{name}.ogg", files[(album, "ogg", number)]
            )


def _add_awkward_peers(
    network: Network, files: dict[tuple[str, str, int], Path], root: Path
) -> None:
    junk = root / "junk"
    cover = make_random_bytes_file(junk / "cover.jpg", 2048, seed=1)
    text = make_random_bytes_file(junk / "info.txt", 300, seed=2)
    flacfan = network.user("flacfan")
    assert flacfan is not None
    album_dir = "Music\\The Example Band\\First Light (2001)"
    for name, local in [("cover.jpg", cover), ("First Light.cue", text), ("rip.log", text)]:
        flacfan.share(f"{album_dir}\\{name}", local)
    low = network.add_user("lowbitrate", upload_speed=600_000)
    titles = ALBUMS["First Light"][2]
    for number, title in enumerate(titles, start=1):
        low.share(
            f"share\\The Example Band\\First Light\\{number:02d}. {title}.mp3",
            files[("First Light", "mp3low", number)],
        )
    low.share("share\\The Example Band\\First Light\\playlist.m3u", text)
    flaky = network.add_user("flaky", upload_speed=500_000)
    liar = network.add_user("sizeliar", upload_speed=800_000)
    locked = network.add_user("secretive", root="@@qqqqq")
    slow = network.add_user("slowqueue", queue_length=900, has_free_upload_slot=False)
    offline = network.add_user("sleepy", online=False)
    for number, title in enumerate(ALBUMS["Quiet Hours"][2], start=1):
        local = files[("Quiet Hours", "flac16", number)]
        remote = f"Northern Lights\\Quiet Hours\\{number:02d} {title}.flac"
        flaky.share(f"Music\\{remote}", local)
        liar.share(f"Audio\\{remote}", local, size=local.stat().st_size + 1000)
        locked.share(f"Private\\{remote}", local, locked=True)
        slow.share(f"Queue\\{remote}", local)
        offline.share(f"Sleep\\{remote}", local)
    network.add_failure("errored", "flaky", after_bytes=10_000)
    network.add_failure("queued_forever", "slowqueue")

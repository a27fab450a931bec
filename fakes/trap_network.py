"""A small Soulseek network full of traps, shared by the engine tests and the demo.

The tests build it with `TEST_PACING` (five-second songs, fast peers, so a run takes seconds);
`manage.py demo` builds it with `DEMO_PACING` (songs of a few minutes, peers uploading a few
hundred KB/s) so a newcomer can watch the transfers and imports happen in real time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fakes.audio import make_audio
from fakes.slskd import Network


@dataclass(frozen=True)
class Pacing:
    """Song lengths (seconds) and the peers' upload speeds (bytes/s before `speed_scale`)."""

    song_seconds: int = 5
    long_song_seconds: int = 40  # "Long Road", whose trap is a 30-second preview clip
    good_speed: int = 5_000_000
    other_speed: int = 3_000_000
    lossy_speed: int = 4_000_000
    busy_speed: int = 50_000  # the peer with no free slot: never worth waiting for

    @property
    def home_seconds(self) -> int:
        """ "Home" is a little longer than the others, as it always was."""
        return self.song_seconds * 6 // 5


TEST_PACING = Pacing()
# About 2.5-3.5 minutes per song: FLAC ~2 MB, MP3 320 ~6 MB, so at 400-700 KB/s each transfer
# takes a few seconds to a dozen, and all the audio is generated in well under a minute.
DEMO_PACING = Pacing(
    song_seconds=150,
    long_song_seconds=210,
    good_speed=700_000,
    other_speed=500_000,
    lossy_speed=400_000,
    busy_speed=30_000,
)
CLIP_SECONDS = 30  # a preview clip is 30 seconds whatever the song's length


@dataclass(frozen=True)
class WantSpec:
    artist: str
    title: str
    seconds: int
    right_user: str | None  # who shares the right file (None: nobody does)
    right_path: str | None  # its remote path


def _audio(root: Path, name: str, seconds: int, seed: int, **kw) -> Path:
    """Generate once, then reuse: the name carries the length, so a new pacing regenerates.
    ffmpeg writes beside the target and the file is renamed in, so an interrupted first run
    never leaves a truncated file to be reused."""
    stem, ext = name.rsplit(".", 1)
    path = root / "files" / f"{stem}-{seconds}s.{ext}"
    if path.is_file() and path.stat().st_size > 0:
        return path
    partial = path.with_name(f"{path.stem}.partial.{ext}")
    make_audio(partial, seconds=seconds, seed=seed, **kw)
    partial.replace(path)
    return path


def build_trap_network(root: Path, pacing: Pacing = TEST_PACING) -> tuple[Network, list[WantSpec]]:
    """Ten wants whose results hide traps, plus one want with no correct file anywhere."""
    net = Network.build(root)
    s, long_s = pacing.song_seconds, pacing.long_song_seconds
    good = net.add_user(
        "goodpeer", root="@@good", has_free_upload_slot=True, upload_speed=pacing.good_speed
    )
    other = net.add_user(
        "otherpeer", root="@@other", has_free_upload_slot=True, upload_speed=pacing.other_speed
    )
    busy = net.add_user(
        "busypeer", has_free_upload_slot=False, queue_length=80, upload_speed=pacing.busy_speed
    )
    lossy = net.add_user("lossypeer", has_free_upload_slot=True, upload_speed=pacing.lossy_speed)
    wants: list[WantSpec] = []

    def want(artist: str, title: str, seconds: int, user, path: str, audio: Path) -> None:
        user.share(path, audio)
        wants.append(WantSpec(artist, title, seconds, user.name, user.remote(path)))

    # 1. A live version beside the studio one.
    want(
        "Alpha Band",
        "Sunrise",
        s,
        good,
        "Music\\Alpha Band\\Dawn (2001)\\01 - Sunrise.flac",
        _audio(root, "a1.flac", s, 1),
    )
    other.share(
        "Music\\Alpha Band\\Live at Wembley\\03 - Sunrise (Live).flac",
        _audio(root, "a1live.flac", s, 2),
    )
    # 2. A remix.
    want(
        "Beta",
        "Ocean Drive",
        s,
        other,
        "Music\\Beta\\Waves\\02 - Ocean Drive.mp3",
        _audio(root, "b.mp3", s, 3, bitrate_kbps=320),
    )
    good.share(
        "Music\\Beta\\Remixes\\Beta - Ocean Drive (Club Remix).flac",
        _audio(root, "bremix.flac", s, 4),
    )
    # 3. A karaoke cover.
    want(
        "Gamma",
        "Night Call",
        s,
        other,
        "Music\\Gamma\\Gamma - Night Call.flac",
        _audio(root, "c.flac", s, 5),
    )
    good.share(
        "Karaoke\\Gamma - Night Call (Karaoke Version).flac", _audio(root, "ckar.flac", s, 6)
    )
    # 4. A 30-second clip.
    want(
        "Delta",
        "Long Road",
        long_s,
        other,
        "Music\\Delta\\Road\\05 - Long Road.mp3",
        _audio(root, "d.mp3", long_s, 7, bitrate_kbps=192),
    )
    good.share("Previews\\Delta - Long Road.flac", _audio(root, "dclip.flac", CLIP_SECONDS, 8))
    # 5. Another artist's song with the same title.
    want(
        "Epsilon",
        "Home",
        pacing.home_seconds,
        other,
        "Music\\Epsilon\\Epsilon - Home.mp3",
        _audio(root, "e.mp3", pacing.home_seconds, 9, bitrate_kbps=256),
    )
    good.share("Music\\Zeta\\Zeta - Home.flac", _audio(root, "ehome.flac", pacing.home_seconds, 10))
    # 6. An MP3 128 beside a FLAC.
    lossy.share("Music\\Eta\\Eta - Falling.mp3", _audio(root, "f128.mp3", s, 11, bitrate_kbps=128))
    want(
        "Eta", "Falling", s, other, "Music\\Eta\\Eta - Falling.flac", _audio(root, "f.flac", s, 12)
    )
    # 7. Same FLAC: a peer with no free slot and a long queue vs one with a free slot.
    theta = _audio(root, "g.flac", s, 13)
    busy.share("Music\\Theta\\Theta - Lights.flac", theta)
    want("Theta", "Lights", s, good, "Music\\Theta\\Lights\\Theta - Lights.flac", theta)
    # 8. Only findable without diacritics.
    want(
        "Sigur Rós",
        "Hoppípolla",
        s,
        other,
        "Music\\Sigur Ros\\Sigur Ros - Hoppipolla.flac",
        _audio(root, "h.flac", s, 14),
    )
    # 9. A featured artist in brackets.
    want(
        "Iota feat. Kappa",
        "Together",
        s,
        good,
        "Music\\Iota\\Iota - Together (feat. Kappa).mp3",
        _audio(root, "i.mp3", s, 15, bitrate_kbps=320),
    )
    # 10. Nothing special, but junk beside it.
    want(
        "Lambda",
        "Quiet",
        s,
        good,
        "Music\\Lambda\\Calm\\01 Quiet.flac",
        _audio(root, "j.flac", s, 16),
    )
    good.share("Music\\Lambda\\Calm\\cover.jpg", _audio(root, "junk.wav", 1, 17))
    # 11. No correct file anywhere: only a live recording exists.
    other.share("Music\\Mu\\Live\\Mu - Nowhere (Live).flac", _audio(root, "mlive.flac", s, 18))
    wants.append(WantSpec("Mu", "Nowhere", s, None, None))
    net.save_scenario()
    return net, wants

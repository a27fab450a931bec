"""A small Soulseek network full of traps, shared by the engine tests and the demo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fakes.audio import make_audio
from fakes.slskd import Network


@dataclass(frozen=True)
class WantSpec:
    artist: str
    title: str
    seconds: int
    right_user: str | None  # who shares the right file (None: nobody does)
    right_path: str | None  # its remote path


def _audio(root: Path, name: str, seconds: int, seed: int, **kw) -> Path:
    return make_audio(root / "files" / name, seconds=seconds, seed=seed, **kw)


def build_trap_network(root: Path) -> tuple[Network, list[WantSpec]]:
    """Ten wants whose results hide traps, plus one want with no correct file anywhere."""
    net = Network.build(root)
    good = net.add_user(
        "goodpeer", root="@@good", has_free_upload_slot=True, upload_speed=5_000_000
    )
    other = net.add_user(
        "otherpeer", root="@@other", has_free_upload_slot=True, upload_speed=3_000_000
    )
    busy = net.add_user(
        "busypeer", has_free_upload_slot=False, queue_length=80, upload_speed=50_000
    )
    lossy = net.add_user("lossypeer", has_free_upload_slot=True, upload_speed=4_000_000)
    wants: list[WantSpec] = []

    def want(artist: str, title: str, seconds: int, user, path: str, audio: Path) -> None:
        user.share(path, audio)
        wants.append(WantSpec(artist, title, seconds, user.name, user.remote(path)))

    # 1. A live version beside the studio one.
    want(
        "Alpha Band",
        "Sunrise",
        5,
        good,
        "Music\\Alpha Band\\Dawn (2001)\\01 - Sunrise.flac",
        _audio(root, "a1.flac", 5, 1),
    )
    other.share(
        "Music\\Alpha Band\\Live at Wembley\\03 - Sunrise (Live).flac",
        _audio(root, "a1live.flac", 5, 2),
    )
    # 2. A remix.
    want(
        "Beta",
        "Ocean Drive",
        5,
        other,
        "Music\\Beta\\Waves\\02 - Ocean Drive.mp3",
        _audio(root, "b.mp3", 5, 3, bitrate_kbps=320),
    )
    good.share(
        "Music\\Beta\\Remixes\\Beta - Ocean Drive (Club Remix).flac",
        _audio(root, "bremix.flac", 5, 4),
    )
    # 3. A karaoke cover.
    want(
        "Gamma",
        "Night Call",
        5,
        other,
        "Music\\Gamma\\Gamma - Night Call.flac",
        _audio(root, "c.flac", 5, 5),
    )
    good.share(
        "Karaoke\\Gamma - Night Call (Karaoke Version).flac", _audio(root, "ckar.flac", 5, 6)
    )
    # 4. A 30-second clip.
    want(
        "Delta",
        "Long Road",
        40,
        other,
        "Music\\Delta\\Road\\05 - Long Road.mp3",
        _audio(root, "d.mp3", 40, 7, bitrate_kbps=192),
    )
    good.share("Previews\\Delta - Long Road.flac", _audio(root, "dclip.flac", 30, 8))
    # 5. Another artist's song with the same title.
    want(
        "Epsilon",
        "Home",
        6,
        other,
        "Music\\Epsilon\\Epsilon - Home.mp3",
        _audio(root, "e.mp3", 6, 9, bitrate_kbps=256),
    )
    good.share("Music\\Zeta\\Zeta - Home.flac", _audio(root, "ehome.flac", 6, 10))
    # 6. An MP3 128 beside a FLAC.
    lossy.share("Music\\Eta\\Eta - Falling.mp3", _audio(root, "f128.mp3", 5, 11, bitrate_kbps=128))
    want(
        "Eta", "Falling", 5, other, "Music\\Eta\\Eta - Falling.flac", _audio(root, "f.flac", 5, 12)
    )
    # 7. Same FLAC: a peer with no free slot and a long queue vs one with a free slot.
    theta = _audio(root, "g.flac", 5, 13)
    busy.share("Music\\Theta\\Theta - Lights.flac", theta)
    want("Theta", "Lights", 5, good, "Music\\Theta\\Lights\\Theta - Lights.flac", theta)
    # 8. Only findable without diacritics.
    want(
        "Sigur Rós",
        "Hoppípolla",
        5,
        other,
        "Music\\Sigur Ros\\Sigur Ros - Hoppipolla.flac",
        _audio(root, "h.flac", 5, 14),
    )
    # 9. A featured artist in brackets.
    want(
        "Iota feat. Kappa",
        "Together",
        5,
        good,
        "Music\\Iota\\Iota - Together (feat. Kappa).mp3",
        _audio(root, "i.mp3", 5, 15, bitrate_kbps=320),
    )
    # 10. Nothing special, but junk beside it.
    want(
        "Lambda",
        "Quiet",
        5,
        good,
        "Music\\Lambda\\Calm\\01 Quiet.flac",
        _audio(root, "j.flac", 5, 16),
    )
    good.share("Music\\Lambda\\Calm\\cover.jpg", _audio(root, "junk.wav", 1, 17))
    # 11. No correct file anywhere: only a live recording exists.
    other.share("Music\\Mu\\Live\\Mu - Nowhere (Live).flac", _audio(root, "mlive.flac", 5, 18))
    wants.append(WantSpec("Mu", "Nowhere", 5, None, None))
    net.save_scenario()
    return net, wants

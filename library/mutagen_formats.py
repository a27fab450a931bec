"""The formats mutagen knows, listed once for every reader and writer of audio files.

A leaf module (mutagen only): `library.audio` and `library.tagging` both open files with it,
so neither needs the other to do so.
"""

from __future__ import annotations

from functools import cache


@cache
def mutagen_kinds() -> tuple[type, ...]:
    """The formats mutagen.File tries when given no `options` (it breaks ties by name).

    Without `options`, mutagen.File runs these 24 imports on every call to build the list,
    a tenth or more of a scan's header parsing. A test checks it against mutagen's own list.
    """
    from mutagen.aac import AAC
    from mutagen.ac3 import AC3
    from mutagen.aiff import AIFF
    from mutagen.apev2 import APEv2File
    from mutagen.asf import ASF
    from mutagen.dsdiff import DSDIFF
    from mutagen.dsf import DSF
    from mutagen.flac import FLAC
    from mutagen.id3 import ID3FileType
    from mutagen.monkeysaudio import MonkeysAudio
    from mutagen.mp3 import MP3
    from mutagen.mp4 import MP4
    from mutagen.musepack import Musepack
    from mutagen.oggflac import OggFLAC
    from mutagen.oggopus import OggOpus
    from mutagen.oggspeex import OggSpeex
    from mutagen.oggtheora import OggTheora
    from mutagen.oggvorbis import OggVorbis
    from mutagen.optimfrog import OptimFROG
    from mutagen.smf import SMF
    from mutagen.tak import TAK
    from mutagen.trueaudio import TrueAudio
    from mutagen.wave import WAVE
    from mutagen.wavpack import WavPack

    return (
        MP3,
        TrueAudio,
        OggTheora,
        OggSpeex,
        OggVorbis,
        OggFLAC,
        FLAC,
        AIFF,
        APEv2File,
        MP4,
        ID3FileType,
        WavPack,
        Musepack,
        MonkeysAudio,
        OptimFROG,
        ASF,
        OggOpus,
        AAC,
        AC3,
        SMF,
        TAK,
        DSF,
        DSDIFF,
        WAVE,
    )

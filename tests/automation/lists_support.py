"""Lists as users bring them: Exportify exports (the real header), CSVs, pasted lines."""

from __future__ import annotations

import csv
import io

EXPORTIFY_HEADER = [
    "Track URI",
    "Track Name",
    "Artist URI(s)",
    "Artist Name(s)",
    "Album URI",
    "Album Name",
    "Album Artist URI(s)",
    "Album Artist Name(s)",
    "Album Release Date",
    "Album Image URL",
    "Disc Number",
    "Track Number",
    "Track Duration (ms)",
    "Track Preview URL",
    "Explicit",
    "Popularity",
    "ISRC",
    "Added By",
    "Added At",
]


def spotify_id(kind: str, n: int) -> str:
    """A 22-character base62 id, distinct per (kind, n)."""
    return f"{kind[:2]}{n:020d}"


def exportify_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "Track URI": f"spotify:track:{spotify_id('tr', n)}",
        "Track Name": f"Song {n}",
        "Artist URI(s)": f"spotify:artist:{spotify_id('ar', n)}",
        "Artist Name(s)": f"Artist {n}",
        "Album URI": f"spotify:album:{spotify_id('al', n)}",
        "Album Name": f"Album {n}",
        "Album Artist URI(s)": f"spotify:artist:{spotify_id('ar', n)}",
        "Album Artist Name(s)": f"Artist {n}",
        "Album Release Date": "2001-03-12",
        "Album Image URL": "https://i.scdn.co/image/ab67616d0000b273",
        "Disc Number": "1",
        "Track Number": str(n % 12 + 1),
        "Track Duration (ms)": str(200_000 + n),
        "Track Preview URL": "",
        "Explicit": "false",
        "Popularity": "42",
        "ISRC": f"GBAYE{n:07d}",
        "Added By": "spotify:user:someone",
        "Added At": "2024-01-02T03:04:05Z",
    }
    return {**row, **overrides}


def exportify_csv(rows: list[dict[str, str]], header: list[str] = EXPORTIFY_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def exportify_50_with_2_bad() -> bytes:
    """The acceptance list: 50 rows, row 10 has no track name, row 30 a malformed ISRC."""
    rows = [exportify_row(n) for n in range(1, 51)]
    rows[9]["Track Name"] = ""
    rows[29]["ISRC"] = "NOT-AN-ISRC"
    return exportify_csv(rows)

"""Run the fake metadata services for the demo or manual testing.

    python -m fakes.metadata_services --port 8766 [--data catalog.json]
        [--service all|musicbrainz|coverart|lrclib] [--rate-limit]

Then point SoulSpot at it: MUSICBRAINZ_URL=COVERART_URL=LRCLIB_URL=http://127.0.0.1:8766
(with --service all). Switch failure modes while it runs:

    curl -X POST http://127.0.0.1:8766/_fake/mode -d '{"mode": "503", "service": "musicbrainz"}'
"""

from __future__ import annotations

import argparse
import sys

from fakes.metadata_services import (
    FakeCoverArt,
    FakeLrclib,
    FakeMetadataServices,
    FakeMusicBrainz,
    MetadataCatalog,
    default_catalog,
)
from fakes.metadata_services.server import FakeServer


def build_server(args: argparse.Namespace) -> FakeServer:
    catalog = MetadataCatalog.from_json(args.data) if args.data else default_catalog()
    common = {"host": args.host, "port": args.port}
    if args.service == "musicbrainz":
        return FakeMusicBrainz(catalog, enforce_rate_limit=args.rate_limit, **common)
    if args.service == "coverart":
        return FakeCoverArt(catalog, **common)
    if args.service == "lrclib":
        return FakeLrclib(catalog, **common)
    return FakeMetadataServices(catalog, enforce_rate_limit=args.rate_limit, **common)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fakes.metadata_services")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--data", help="catalogue JSON (default: built-in demo catalogue)")
    parser.add_argument(
        "--service", choices=["all", "musicbrainz", "coverart", "lrclib"], default="all"
    )
    parser.add_argument(
        "--rate-limit", action="store_true", help="answer 503 to MusicBrainz calls under 1 s apart"
    )
    args = parser.parse_args(argv)
    server = build_server(args)
    url = server.start()
    print(f"fake {args.service} metadata services on {url}", flush=True)
    server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

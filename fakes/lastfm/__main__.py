"""Run the fake Last.fm for the demo or manual testing.

    python -m fakes.lastfm --port 8767 [--scenario demo|empty]

Then point SoulSpot at it: LASTFM_URL=http://127.0.0.1:8767 LASTFM_API_KEY=fake-lastfm-key.
Make it fail while it runs:

    curl -X POST http://127.0.0.1:8767/_fake/error -d '{"code": 29}'     (null: normal again)
    curl -X POST http://127.0.0.1:8767/_fake/mode -d '{"mode": "503"}'
"""

from __future__ import annotations

import argparse
import sys

from fakes.lastfm import DEFAULT_API_KEY, FakeLastFm, LastFmWorld, demo_world

SCENARIOS = {"demo": demo_world, "empty": LastFmWorld}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fakes.lastfm")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="demo")
    args = parser.parse_args(argv)
    server = FakeLastFm(SCENARIOS[args.scenario](), host=args.host, port=args.port)
    url = server.start()
    print(f"fake Last.fm ({args.scenario}) on {url}, API key {DEFAULT_API_KEY}", flush=True)
    server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

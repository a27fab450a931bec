"""Run the fake Spotify for the demo or manual testing.

    python -m fakes.spotify --port 8767 [--scenario demo|acceptance] [--client-id ID]

Then point SoulSpot at it: SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:8767,
SPOTIFY_API_URL=http://127.0.0.1:8767/v1, SPOTIFY_CLIENT_ID=<the client id>. Faults while it runs:

    curl -X POST http://127.0.0.1:8767/_fake/spotify/fault \\
         -d '{"path": "^/v1/me/playlists", "status": 429, "headers": {"Retry-After": "3"}}'
    curl -X POST http://127.0.0.1:8767/_fake/spotify/expire-tokens
"""

from __future__ import annotations

import argparse
import sys

from fakes.spotify import FakeSpotify
from fakes.spotify.scenarios import acceptance_world, demo_world


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fakes.spotify")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--scenario", choices=["demo", "acceptance"], default="demo")
    parser.add_argument("--client-id", default="soulspot-demo")
    parser.add_argument("--client-secret", default=None)
    args = parser.parse_args(argv)
    world = demo_world() if args.scenario == "demo" else acceptance_world().world
    fake = FakeSpotify(
        world,
        client_id=args.client_id,
        client_secret=args.client_secret,
        host=args.host,
        port=args.port,
    )
    url = fake.start()
    print(f"fake Spotify ({args.scenario}, client id {args.client_id}) on {url}", flush=True)
    fake.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

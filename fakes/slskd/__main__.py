"""`python -m fakes.slskd --port N --api-key K --downloads DIR [--network DIR] ...`

Runs the fake until SIGINT/SIGTERM. Scenario `config` values apply first, flags override them.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from .config import ENQUEUE_MODES, FakeConfig
from .fake import DEFAULT_API_KEY, FakeSlskd
from .network import Network
from .scenario import ScenarioError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m fakes.slskd", description=__doc__)
    parser.add_argument("--port", type=int, default=5030)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    parser.add_argument("--downloads", type=Path, required=True, help="slskd downloads dir")
    parser.add_argument("--incomplete", type=Path, help="default: <downloads>/../incomplete")
    parser.add_argument("--network", type=Path, help="dir of shared audio (+ scenario.json)")
    parser.add_argument("--scenario", type=Path, help="default: <network>/scenario.json")
    parser.add_argument(
        "--sample", action="store_true", help="generate the sample network into --network"
    )
    parser.add_argument("--speed-scale", type=float, help="2 = everything twice as fast")
    parser.add_argument("--url-base", help="e.g. /slskd")
    parser.add_argument("--no-auth", action="store_true", help="SLSKD_NO_AUTH=true")
    parser.add_argument("--enqueue-mode", choices=ENQUEUE_MODES)
    parser.add_argument("--retry-attempts", type=int)
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def build_fake(args: argparse.Namespace) -> FakeSlskd:
    """The configured FakeSlskd (not started)."""
    network = _load_network(args)
    overrides: dict[str, Any] = dict(network.config)
    flags = {
        "speed_scale": args.speed_scale,
        "url_base": args.url_base,
        "enqueue_mode": args.enqueue_mode,
        "retry_attempts": args.retry_attempts,
        "auth_disabled": True if args.no_auth else None,
        "verbose": True if args.verbose else None,
    }
    overrides |= {key: value for key, value in flags.items() if value is not None}
    config = FakeConfig()
    config.update(overrides)
    return FakeSlskd(
        api_key=args.api_key,
        downloads_dir=args.downloads,
        incomplete_dir=args.incomplete,
        network=network,
        config=config,
        host=args.host,
        port=args.port,
    )


def _load_network(args: argparse.Namespace) -> Network:
    if args.network is None:
        return Network()
    if args.sample and args.scenario is None and not (args.network / "scenario.json").exists():
        from .sample import build_sample_network

        build_sample_network(args.network)
    return Network.load(args.network, args.scenario)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        fake = build_fake(args)
    except (ScenarioError, ValueError) as exc:
        print(f"fake slskd: {exc}", file=sys.stderr)
        return 2
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    url = fake.start()
    print(f"fake slskd listening on {url}", flush=True)
    try:
        while not done.wait(0.2):
            pass
    finally:
        fake.stop()
    print("fake slskd stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

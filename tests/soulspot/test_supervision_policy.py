"""The restart policy `serve` applies to a dead child: backoff, recovery, giving up (fake clock,
then real short-lived processes through the loop `serve` runs)."""

from __future__ import annotations

import sys
import time

from soulspot.lib.processes import ChildProcess, RestartPolicy
from soulspot.management.commands.serve import Supervised, look_after, start


def _crash_loop(policy: RestartPolicy, start: float, crashes: int) -> list[float | None]:
    """A child that dies right after each restart: the delays the policy answers."""
    now, delays = start, []
    policy.started(now)
    for _ in range(crashes):
        delay = policy.crashed(now)
        delays.append(delay)
        if delay is None:
            break
        now += delay
        policy.started(now)
    return delays


def test_restarts_back_off_doubling_up_to_the_cap() -> None:
    policy = RestartPolicy(max_crashes=100, window=120)
    assert _crash_loop(policy, 0, 8) == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_minute_of_good_running_resets_the_backoff() -> None:
    policy = RestartPolicy()
    policy.started(0)
    assert policy.crashed(5) == 1
    policy.started(6)
    assert policy.crashed(7) == 2
    policy.started(9)
    assert policy.crashed(9 + 61) == 1  # ran over a minute: recovered


def test_five_crashes_in_two_minutes_give_up_with_one_clear_line() -> None:
    policy = RestartPolicy()
    assert _crash_loop(policy, 0, 5) == [1, 2, 4, 8, None]
    assert policy.give_up_reason("worker") == (
        "worker crashed 5 times in 2 minutes; stopping SoulSpot"
    )


def test_crashes_spread_over_a_long_time_never_give_up() -> None:
    policy = RestartPolicy()
    now = 0.0
    for _ in range(50):
        policy.started(now)
        now += 70  # each run lasts over a minute, so at most 2 crashes fall in any 2 minutes
        assert policy.crashed(now) == 1


def test_a_child_that_keeps_dying_is_restarted_then_given_up_with_one_line() -> None:
    # Real processes, short delays: what `serve`'s loop does with each child every 0.2 s.
    said: list[str] = []
    starts: list[float] = []
    child = ChildProcess("web", [sys.executable, "-c", "raise SystemExit(3)"])
    supervised = Supervised(
        child,
        RestartPolicy(first_delay=0.05, max_crashes=3, window=120),
        on_start=lambda: starts.append(time.monotonic()),
    )
    start(supervised)
    deadline = time.monotonic() + 30
    while look_after(supervised, said.append) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert said == [
        "web exited with code 3; restarting in 0.05 s",
        "restarting web",
        "web exited with code 3; restarting in 0.1 s",
        "restarting web",
        "web crashed 3 times in 2 minutes; stopping SoulSpot",
    ]
    assert len(starts) == 3

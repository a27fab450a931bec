"""The restart policy `serve` applies to a dead child: backoff, recovery, giving up (fake clock)."""

from __future__ import annotations

from soulspot.lib.processes import RestartPolicy


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

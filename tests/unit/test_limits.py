"""The web tier's rate limits: a burst at once, then a steady rate, per client and for everyone; a
refused request is told how long to wait and counts for nothing."""

from __future__ import annotations

import pytest

from bot.slack.limits import Limiter, Rate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_client_gets_its_burst_then_its_rate(clock: Clock) -> None:
    limits = Limiter(Rate(burst=3, per_minute=6), Rate(burst=100, per_minute=100), clock=clock)

    assert [limits.wait("a") for _ in range(3)] == [0, 0, 0]
    assert limits.wait("a") == pytest.approx(10)  # one more in 60/6 s
    assert limits.wait("b") == 0  # another client has its own
    clock.now += 10
    assert limits.wait("a") == 0
    assert limits.wait("a") == pytest.approx(10)


def test_everyone_together_gets_the_overall_rate(clock: Clock) -> None:
    limits = Limiter(Rate(burst=3, per_minute=6), Rate(burst=4, per_minute=60), clock=clock)

    assert [limits.wait(f"client-{i}") for i in range(4)] == [0, 0, 0, 0]
    assert limits.wait("client-4") == pytest.approx(1)
    assert limits.wait("client-0") == pytest.approx(1)
    clock.now += 1
    assert limits.wait("client-4") == 0


def test_a_refused_request_counts_for_nothing(clock: Clock) -> None:
    limits = Limiter(Rate(burst=1, per_minute=60), Rate(burst=1, per_minute=6), clock=clock)

    assert limits.wait("a") == 0
    for _ in range(5):  # refused by the overall limit, again and again
        assert limits.wait("b") == pytest.approx(10)
    clock.now += 10
    assert limits.wait("b") == 0  # its own bucket was never spent


def test_only_the_clients_seen_last_are_remembered(clock: Clock) -> None:
    limits = Limiter(Rate(burst=1, per_minute=1), Rate(burst=100, per_minute=100), max_clients=2, clock=clock)

    assert limits.wait("a") == 0 and limits.wait("a") > 0
    assert limits.wait("b") == 0 and limits.wait("c") == 0  # "a" is forgotten
    assert limits.wait("a") == 0
    assert limits.wait("c") > 0  # "c" is not

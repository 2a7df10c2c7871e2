"""The web tier's rate limits (bot.slack.limits, for chart draws and install pages): a burst per client
address and in all, then a steady rate; a refusal says how long until a request would be allowed, and
costs nothing."""

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


@pytest.fixture
def limits(clock: Clock) -> Limiter:
    """Per client: 2 at once, then one every 2 s; in all: 3 at once, then one a second."""
    return Limiter(Rate(per_s=0.5, burst=2), Rate(per_s=1.0, burst=3), clock=clock)


def test_a_client_gets_its_burst_then_waits_for_its_rate(limits: Limiter, clock: Clock) -> None:
    assert [limits.wait("a"), limits.wait("a")] == [0, 0]
    assert limits.wait("a") == pytest.approx(2.0)
    clock.now += 1.5
    assert limits.wait("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limits.wait("a") == 0


def test_clients_share_the_overall_burst(limits: Limiter, clock: Clock) -> None:
    assert [limits.wait("a"), limits.wait("a"), limits.wait("b")] == [0, 0, 0]
    assert limits.wait("c") == pytest.approx(1.0)  # c has asked for nothing: the worker has
    clock.now += 1.0
    assert limits.wait("c") == 0


def test_a_refused_request_costs_nothing(limits: Limiter, clock: Clock) -> None:
    limits.wait("a")
    limits.wait("a")
    for _ in range(10):
        assert limits.wait("a") > 0  # refused: neither bucket is charged
    assert limits.wait("b") == 0  # the overall bucket still has its third


def test_only_the_clients_seen_last_are_remembered(clock: Clock) -> None:
    limits = Limiter(Rate(per_s=0.01, burst=1), Rate(per_s=100, burst=100), max_clients=2, clock=clock)

    assert limits.wait("a") == 0 and limits.wait("a") > 0
    assert limits.wait("b") == 0 and limits.wait("c") == 0  # "a" is forgotten
    assert limits.wait("a") == 0
    assert limits.wait("c") > 0  # "c" is not

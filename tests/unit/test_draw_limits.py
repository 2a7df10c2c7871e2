"""The limits on chart draws (bot.slack.charts.DrawLimits): a burst per client address and in all, then
a steady rate; a refusal says how long until a draw would be allowed."""

from __future__ import annotations

import pytest

from bot.slack.charts import DrawLimits, Rate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limits(clock: Clock) -> DrawLimits:
    """Per client: 2 at once, then one every 2 s; in all: 3 at once, then one a second."""
    return DrawLimits(Rate(per_s=0.5, burst=2), Rate(per_s=1.0, burst=3), clock=clock)


def test_a_client_gets_its_burst_then_waits_for_its_rate(limits: DrawLimits, clock: Clock) -> None:
    assert [limits.take("a"), limits.take("a")] == [0, 0]
    assert limits.take("a") == pytest.approx(2.0)
    clock.now += 1.5
    assert limits.take("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limits.take("a") == 0


def test_clients_share_the_overall_burst(limits: DrawLimits, clock: Clock) -> None:
    assert [limits.take("a"), limits.take("a"), limits.take("b")] == [0, 0, 0]
    assert limits.take("c") == pytest.approx(1.0)  # c has drawn nothing: the worker has
    clock.now += 1.0
    assert limits.take("c") == 0


def test_a_refused_draw_costs_nothing(limits: DrawLimits, clock: Clock) -> None:
    limits.take("a")
    limits.take("a")
    for _ in range(10):
        assert limits.take("a") > 0  # refused: neither bucket is charged
    assert limits.take("b") == 0  # the overall bucket still has its third

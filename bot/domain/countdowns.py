"""Retirement countdowns, the rules: which notices about a followed model are due on a day, and which
one message a pass sends for them. Pure; the worker's pass (bot.alerts.countdowns) applies them.

A followed model gets, each exactly once per channel: `deprecated` when its lab first marks it so (a
model already deprecated when the channel subscribes is said in the subscribe reply instead), and a
countdown 30, 7 and 1 days before the day its lab's API retires it. A pass that finds several notices
due at once (the worker was down, or a deprecation came with a near date) sends one message, the
latest stage due, and marks the others as told: never a burst.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.contract.views import Status

STAGES = (30, 7, 1)  # days before the retirement day
DEPRECATED = "deprecated"


def stage_key(stage: int, retires_on: date) -> str:
    """A countdown stage's notice, tied to its day: a new retirement day starts a new countdown."""
    return f"{stage}d:{retires_on.isoformat()}"


@dataclass(frozen=True)
class Due:
    """What one pass sends about one model: the latest stage due (None: only the deprecation), whether
    the deprecation is news, and every notice the message stands for."""

    stage: int | None
    announces: bool
    keys: frozenset[str]


def due(status: Status, retires_on: date | None, on: date, told: frozenset[str]) -> Due | None:
    """The message due on day `on` for a model of this status and retirement day, given the notices
    `told` already; None when nothing is due. A retired model (the day has come) gets nothing more."""
    if status != "deprecated":
        return None
    keys = {DEPRECATED}
    stage: int | None = None
    if retires_on is not None:
        left = (retires_on - on).days
        if left < 1:
            return None
        passed = [s for s in STAGES if left <= s]
        keys |= {stage_key(s, retires_on) for s in passed}
        stage = min(passed, default=None)
    fresh = keys - told
    announces = DEPRECATED in fresh
    if stage is not None and retires_on is not None and stage_key(stage, retires_on) in told:
        stage = None  # the latest stage was told already; at most the deprecation is news
    if stage is None and not announces:
        return None
    return Due(stage, announces, frozenset(fresh))


def next_countdown(retires_on: date | None, on: date) -> date | None:
    """The day of the next countdown message after `on` (None: none left, or no retirement day)."""
    if retires_on is None:
        return None
    days = [retires_on.toordinal() - s for s in STAGES if retires_on.toordinal() - s > on.toordinal()]
    return date.fromordinal(min(days)) if days else None

"""Comparable quality, the one rule: within a margin of the target's score, or 95% intervals that
overlap. Pure (no database), so answers from the read model use it without loading the ORM."""

from __future__ import annotations

from typing import Protocol

from bot.domain.categories import Category

COMPARABLE_MARGIN = 25


class Rated(Protocol):
    """A score with its 95% interval: a QualityView, or the read model's plain Rating."""

    @property
    def score(self) -> int: ...
    @property
    def low(self) -> int | None: ...
    @property
    def high(self) -> int | None: ...


def comparable(candidate: Rated, target: Rated, margin: int = COMPARABLE_MARGIN) -> bool:
    """Within `margin` of the target's score, or a 95% interval that overlaps the target's."""
    if candidate.score >= target.score - margin:
        return True
    if candidate.high is None or target.low is None:
        return False
    return candidate.high >= target.low


def comparable_rule(category: Category, margin: int = COMPARABLE_MARGIN) -> str:
    return (
        f"Comparable quality: an LMArena {category.label} score at least the target's minus {margin}, "
        "or a 95% interval that overlaps the target's."
    )

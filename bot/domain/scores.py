"""Quality scores as rules: a leaderboard's score mapped to a model, a score's move, the current
score of each model per category (a team's own first, then the leaderboard's, then a labelled floor from
the model's scored predecessor). Reading and writing score rows is bot.store.scores's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from bot.contract.actor import Actor
from bot.contract.views import QualityView
from bot.domain.categories import Category
from bot.domain.overlay import load_overlay
from bot.domain.succession import floor_for

SOURCE = "LMArena text"
TEAM = "team"
ALERT_MOVE = 10  # a subscribed channel hears when a score moves by this much or more


@dataclass(frozen=True)
class ScoreData:
    """One score as a leaderboard states it, already mapped to a catalog model."""

    model_id: str
    category: str  # Category.name
    variant: str  # "" for the model's default
    score: int
    low: int | None
    high: int | None
    key: str | None = None  # the leaderboard's model key


@dataclass(frozen=True)
class ScoreMove:
    """A model's score in one category before and after a change (old None: its first score)."""

    model_id: str
    model_name: str
    category: str
    variant: str
    old: int | None
    new: int | None

    @property
    def size(self) -> int:
        return abs((self.new or 0) - (self.old or 0)) if self.old is not None and self.new is not None else 0


class ScoreRow(Protocol):
    """What scores_from_rows reads of a row: a Score, or a plain row of the same columns."""

    score: int | None
    score_low: int | None
    score_high: int | None
    source: str
    as_of: date
    change_id: int


def scores_from_rows(
    rows: Mapping[tuple[str, str, str, str], ScoreRow], actors: Mapping[int, Actor], category: Category
) -> dict[str, QualityView]:
    """The current scores in a category from its newest rows (`newest_rows`): the team's first."""
    out: dict[str, QualityView] = {}
    for (model_id, _, variant, origin), row in sorted(rows.items(), key=lambda kv: kv[0][3] == TEAM):
        if variant or row.score is None:
            continue
        out[model_id] = QualityView(
            score=row.score,
            low=row.score_low,
            high=row.score_high,
            category=category.name,
            category_label=category.label,
            source=row.source if origin != TEAM else TEAM,
            as_of=row.as_of,
            team=origin == TEAM,
            set_by=actors.get(row.change_id) if origin == TEAM else None,
        )
    return out


def with_floors(
    scores: dict[str, QualityView], model_ids: Iterable[str], names: dict[str, str]
) -> dict[str, QualityView]:
    """`scores` plus, for each of `model_ids` without a score, its nearest scored predecessor's as a floor."""
    predecessors = load_overlay().predecessors
    out = dict(scores)
    for model_id in model_ids:
        floor = floor_for(model_id, scores, predecessors)
        if floor is not None:
            out[model_id] = replace(
                floor.score,
                floor_from_id=floor.model_id,
                floor_from=names.get(floor.model_id, floor.model_id),
                low=None,
                high=None,
            )
    return out

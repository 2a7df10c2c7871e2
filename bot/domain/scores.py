"""Quality scores as rules: a leaderboard's score mapped to a model, a score's move, the current
score of each model per category (a team's own first, then the leaderboard's for its default key, then
the variant that stands for a model listed only through variants, then a labelled floor from the newest
scored predecessor in its family). Reading and writing score rows is bot.store.scores's.
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
from bot.domain.succession import Known, floor_for, lineages
from bot.domain.variants import standing_variant

SOURCE = "LMArena text"  # the plain text board, the one modelcost uses (docs/quality.md)
STYLE_SOURCE = "LMArena text, style-controlled"  # LMArena's `text_style_control/` board, if pointed at


def board_source(url: str) -> str:
    """Which of LMArena's text boards a feed URL serves: its dataset's style-controlled folder, or not."""
    return STYLE_SOURCE if "style_control" in url.split("?")[0] else SOURCE


TEAM = "team"
ALERT_MOVE = 10  # a subscribed channel hears when a score moves by this much or more
STALE_BOARD_DAYS = 30  # LMArena publishes every few days: `sync status` warns past this age


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

    leaderboard_key: str | None
    score: int | None
    score_low: int | None
    score_high: int | None
    source: str
    as_of: date
    change_id: int


@dataclass(frozen=True)
class BoardFacts:
    """The newest board stored: its publish date and the keys it lists. A source score whose key it lists
    is that board's (unmoved), as of its date, however old the row that holds it."""

    published: date
    keys: frozenset[str]


def scores_from_rows(
    rows: Mapping[tuple[str, str, str, str], ScoreRow],
    actors: Mapping[int, Actor],
    category: Category,
    board: BoardFacts | None = None,
) -> dict[str, QualityView]:
    """The current scores in a category from its newest rows (`newest_rows`): the team's first, then
    the source's default key, then (for a model listed only through variants) its standing variant."""
    out: dict[str, QualityView] = {}
    variants: dict[str, dict[str, ScoreRow]] = {}
    for (model_id, _, variant, origin), row in sorted(rows.items(), key=lambda kv: kv[0][3] == TEAM):
        if row.score is None:
            continue
        if variant:
            if origin != TEAM:
                variants.setdefault(model_id, {})[variant] = row
            continue
        out[model_id] = _view(row, actors, category, board, team=origin == TEAM)
    for model_id, found in variants.items():
        if model_id in out:
            continue
        chosen = standing_variant(model_id, {v: r.score for v, r in found.items() if r.score is not None})
        if chosen is not None:
            out[model_id] = _view(found[chosen], actors, category, board, team=False, variant=chosen)
    return out


def _view(
    row: ScoreRow,
    actors: Mapping[int, Actor],
    category: Category,
    board: BoardFacts | None,
    *,
    team: bool,
    variant: str | None = None,
) -> QualityView:
    assert row.score is not None
    as_of = row.as_of
    if not team and board is not None and row.leaderboard_key in board.keys and as_of < board.published:
        as_of = board.published  # unmoved on the newest board: its score as of that board
    return QualityView(
        score=row.score,
        low=row.score_low,
        high=row.score_high,
        category=category.name,
        category_label=category.label,
        source=row.source if not team else TEAM,
        as_of=as_of,
        team=team,
        set_by=actors.get(row.change_id) if team else None,
        variant=variant,
    )


def predecessors(models: Iterable[Known]) -> dict[str, tuple[str, ...]]:
    """Each model's predecessors, newest first (bot.domain.succession), with the curated families and
    `succeeds` chains of data/catalog.toml."""
    overlay = load_overlay()
    families = {m.id: m.family for m in overlay.model if m.family}
    known = [Known(m.id, m.release_date, families.get(m.id)) for m in models]
    return lineages(known, overlay.predecessors)


def with_floors(
    scores: dict[str, QualityView],
    model_ids: Iterable[str],
    names: dict[str, str],
    lines: Mapping[str, tuple[str, ...]],
) -> dict[str, QualityView]:
    """`scores` plus, for each of `model_ids` without a score, its newest scored predecessor's as a floor
    (`lines`: each model's predecessors, newest first, from `predecessors`)."""
    out = dict(scores)
    for model_id in model_ids:
        floor = floor_for(model_id, scores, lines)
        if floor is not None:
            out[model_id] = replace(
                floor.score,
                floor_from_id=floor.model_id,
                floor_from=names.get(floor.model_id, floor.model_id),
                low=None,
                high=None,
            )
    return out

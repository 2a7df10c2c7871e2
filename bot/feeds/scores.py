"""A leaderboard -> score rows for the catalog's models: which keys are which model (bot.domain.arena_keys:
the curated keys of data/catalog.toml, then every catalog model by name, curated or not), in the categories
modelcost ranks by (bot.domain.categories), ratings rounded to whole points.
Used by the first-use seed and the upgrade (the bundled board) and by the quality feed's sync."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.domain.arena_keys import KeyMapping, ModelNames, map_keys, models_from_overlay
from bot.domain.categories import CATEGORIES
from bot.domain.overlay import load_overlay
from bot.domain.scores import ScoreData, ScoreMove
from bot.feeds.leaderboard import BUNDLED_DATE, Leaderboard, load_bundled
from bot.store.scores import add_board, apply_scores, model_names
from bot.store.tables import Change


def mapping(board: Leaderboard, models: Iterable[tuple[str, str]] = ()) -> KeyMapping:
    """Each leaderboard key's model (and variant), or why it has none: the curated models, and `models`
    ((id, name) of the catalog's others, which are matched by name only)."""
    curated = models_from_overlay(load_overlay())
    known = {m.id for m in curated}
    others = [ModelNames(id=i, name=n) for i, n in models if i not in known]
    return map_keys(board.keys(), [*curated, *others])


def score_data(board: Leaderboard, keys: KeyMapping) -> list[ScoreData]:
    """One row per mapped key and category the board scores it in."""
    out: list[ScoreData] = []
    for category in CATEGORIES:
        for key, r in sorted(board.categories.get(category.arena_key, {}).items()):
            match = keys.mapped.get(key)
            if match is None:
                continue
            out.append(
                ScoreData(
                    model_id=match.model_id,
                    category=category.name,
                    variant=match.variant or "",
                    score=round(r.rating),
                    low=round(r.q025),
                    high=round(r.q975),
                    key=key,
                )
            )
    return out


def apply_board(session: Session, board: Leaderboard, change: Change, as_of: date) -> list[ScoreMove]:
    """The board's scores that moved, as new rows dated `as_of` (its publish date, when it has one), and
    the board itself when it is dated."""
    keys = mapping(board, model_names(session))
    moves = apply_scores(session, score_data(board, keys), change, source=board.source, as_of=as_of)
    if board.published is not None:
        add_board(session, board.source, board.published, board.keys(), change)
    return moves


def bundled_label() -> Actor:
    """Who a bundled board's change set is by: the board, named with its publish date."""
    return Actor(kind="snapshot", id=f"LMArena text, published {BUNDLED_DATE.isoformat()}")


def seed_scores(session: Session, change: Change) -> list[ScoreMove]:
    """The bundled board's scores: a catalog's first, or, for one whose board is older, its dated moves."""
    return apply_board(session, load_bundled(), change, BUNDLED_DATE)

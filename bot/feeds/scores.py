"""A leaderboard -> score rows for the catalog's models: which keys are which model (bot.domain.arena_keys),
in the categories modelcost ranks by (bot.domain.categories), ratings rounded to whole points.
Used by the first-use seed (the bundled snapshot) and by the quality feed's sync."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.domain.arena_keys import KeyMapping, map_keys, models_from_overlay
from bot.domain.categories import CATEGORIES
from bot.domain.overlay import load_overlay
from bot.domain.scores import ScoreData, ScoreMove
from bot.feeds.leaderboard import BUNDLED_DATE, SOURCE, Leaderboard, load_bundled
from bot.store.scores import apply_scores
from bot.store.tables import Change


def mapping(board: Leaderboard) -> KeyMapping:
    """Each leaderboard key's model (and variant), or why it has none."""
    return map_keys(board.keys(), models_from_overlay(load_overlay()))


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
    return apply_scores(session, score_data(board, mapping(board)), change, source=SOURCE, as_of=as_of)


def seed_scores(session: Session, change: Change) -> list[ScoreMove]:
    """The bundled leaderboard snapshot's scores, for a catalog that has none yet."""
    return apply_board(session, load_bundled(), change, BUNDLED_DATE)

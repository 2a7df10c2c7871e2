"""A leaderboard -> score rows for the catalog's models: which keys are which model (bot.domain.arena_keys),
in the categories modelcost ranks by (bot.domain.categories), ratings rounded to whole points.
Used by the first-use seed (the bundled snapshot) and by the quality feed's sync."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.arena_keys import KeyMapping, ModelNames, map_keys, models_from_overlay
from bot.domain.categories import CATEGORIES
from bot.domain.overlay import load_overlay
from bot.domain.scores import ScoreData, ScoreMove
from bot.feeds.leaderboard import BUNDLED_DATE, SOURCE, Leaderboard, load_bundled
from bot.store.scores import apply_scores
from bot.store.tables import Change, Model


def mapping(board: Leaderboard, sourced: Sequence[ModelNames] = ()) -> KeyMapping:
    """Each leaderboard key's model (and variant), or why it has none: the curated models first, then
    the keys none of them takes, against the models made from the sources (`sourced_models`), so a
    model made from a feed gets its score without ever taking a curated model's."""
    curated = map_keys(board.keys(), models_from_overlay(load_overlay()))
    if not sourced or not curated.unmapped:
        return curated
    more = map_keys(curated.unmapped, sourced)
    return KeyMapping(
        mapped={**curated.mapped, **more.mapped},
        unmapped={k: curated.unmapped[k] for k in more.unmapped},
        ambiguous={**curated.ambiguous, **more.ambiguous},
    )


def sourced_models(session: Session) -> list[ModelNames]:
    """The catalog's models made from the sources (not curated), as the key mapper sees them."""
    rows = session.execute(select(Model.id, Model.name).where(Model.curated.is_(False)).order_by(Model.id))
    return [ModelNames(id=r.id, name=r.name) for r in rows]


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
    keys = mapping(board, sourced_models(session))
    return apply_scores(session, score_data(board, keys), change, source=SOURCE, as_of=as_of)


def seed_scores(session: Session, change: Change) -> list[ScoreMove]:
    """The bundled leaderboard snapshot's scores, for a catalog that has none yet."""
    return apply_board(session, load_bundled(), change, BUNDLED_DATE)

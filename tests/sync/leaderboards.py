"""Quality feed factories: the bundled LMArena leaderboard (what a seeded catalog's scores came from),
a newer one with Claude Sonnet 5.5 and a better gpt-oss-120b, edits of them, and a dump of every score
row to compare before and after."""

from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import Engine, func, select

from bot import db
from bot.feeds.leaderboard import BUNDLED_FILE
from bot.store.tables import Alert, Change, Score

URL = "https://feed.test/lmarena/arena-catalog/data/leaderboard-text.json"
SONNET_KEY = "claude-sonnet-5-5-20260915"  # maps to claude-sonnet-5.5 by name (bot.domain.arena_keys)
OPEN_KEY = "gpt-oss-120b"  # an open-weights model the catalog prices, 1365 overall in the snapshot
OPEN_MODEL = "gpt-oss-120b"

Board = dict[str, dict[str, dict[str, float]]]


@functools.cache
def _bundled() -> str:
    return BUNDLED_FILE.read_text()


def bundled() -> Board:
    """A fresh, editable copy of the bundled 2025-12-17 leaderboard."""
    board: Board = json.loads(_bundled())
    return board


def rate(board: Board, key: str, rating: float, category: str = "full", half_width: float = 6.0) -> Board:
    board[category][key] = {
        "rating": rating,
        "rating_q025": rating - half_width,
        "rating_q975": rating + half_width,
    }
    return board


def newer() -> Board:
    """The bundled file plus Claude Sonnet 5.5 (overall and coding) and gpt-oss-120b up to 1440 overall."""
    board = rate(bundled(), SONNET_KEY, 1455.2)
    board = rate(board, SONNET_KEY, 1471.8, "coding")
    return rate(board, OPEN_KEY, 1440.4, half_width=5.4)


def body(board: Any) -> bytes:
    return json.dumps(board).encode()


def scores_dump(engine: Engine) -> tuple[list[tuple[Any, ...]], int, int]:
    """Every score row, and how many change sets and alerts there are: equal dumps, nothing changed."""
    with db.session_factory(engine)() as s:
        rows = s.execute(
            select(
                Score.id,
                Score.model_id,
                Score.category,
                Score.variant,
                Score.origin,
                Score.leaderboard_key,
                Score.score,
                Score.score_low,
                Score.score_high,
                Score.as_of,
                Score.change_id,
            ).order_by(Score.id)
        ).all()
        changes = s.scalar(select(func.count()).select_from(Change)) or 0
        alerts = s.scalar(select(func.count()).select_from(Alert)) or 0
    return [tuple(r) for r in rows], changes, alerts


def current(engine: Engine, model_id: str, category: str = "overall") -> Score | None:
    """The newest source score of a model's default variant in a category."""
    with db.session_factory(engine)() as s:
        return s.scalars(
            select(Score)
            .where(
                Score.model_id == model_id,
                Score.category == category,
                Score.variant == "",
                Score.origin == "source",
            )
            .order_by(Score.id.desc())
        ).first()

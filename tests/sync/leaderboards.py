"""Quality feed factories: LMArena's dataset as the bundled board (what a seeded catalog's scores came
from), a newer one with Claude Sonnet 5.5 and a better gpt-oss-120b (tests/lmarena.py), edits of them as
Parquet bodies, and a dump of every score row to compare before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from bot import db
from bot.store.tables import Alert, Board, Change, Score
from tests.lmarena import NEWER, Row, bundled_rows, newer_rows, parquet, rate

URL = "https://feed.test/datasets/lmarena-ai/leaderboard-dataset/resolve/main/text/latest-00000-of-00001.parquet"
SONNET_KEY = "claude-sonnet-5-5"  # maps to claude-sonnet-5.5 by name (bot.domain.arena_keys)
OPEN_KEY = "gpt-oss-120b"  # an open-weights model the catalog prices, 1366 overall on the bundled board
OPEN_MODEL = "gpt-oss-120b"
__all__ = ["NEWER", "Row", "body", "bundled", "newer", "rate"]


def bundled() -> list[Row]:
    """A fresh, editable copy of the bundled board's rows (published 2026-08-19)."""
    return bundled_rows()


def newer() -> list[Row]:
    return newer_rows()


def body(rows: list[Row]) -> bytes:
    return parquet(rows)


def scores_dump(engine: Engine) -> tuple[list[tuple[Any, ...]], int, int]:
    """Every score row, how many change sets, and how many alerts and boards (1000 a board) there are:
    equal dumps, nothing changed."""
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
        boards = s.scalar(select(func.count()).select_from(Board)) or 0
    return [tuple(r) for r in rows], changes, alerts + 1000 * boards


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

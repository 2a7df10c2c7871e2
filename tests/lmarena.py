"""LMArena's dataset for tests: the bundled board's rows (data/lmarena/), edited copies of them, and
Parquet bodies written from rows the way LMArena publishes them (`text/latest-00000-of-00001.parquet`)."""

from __future__ import annotations

import copy
import functools
import io
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bot.domain.categories import DATASET_TO_ARENA
from bot.feeds.leaderboard import BUNDLED_FILE

Row = dict[str, Any]


@functools.cache
def _bundled() -> tuple[Row, ...]:
    return tuple(pq.read_table(BUNDLED_FILE).to_pylist())


def bundled_rows() -> list[Row]:
    """A fresh, editable copy of the bundled board's rows (2026-08-19)."""
    return copy.deepcopy(list(_bundled()))


def rate(
    rows: list[Row],
    key: str,
    rating: float,
    category: str = "overall",
    *,
    half_width: float = 6.0,
    licence: str = "Proprietary",
) -> list[Row]:
    """`key`'s score in a dataset category set to `rating` (a row added when it has none)."""
    found = [r for r in rows if r["model_name"] == key and r["category"] == category]
    row = found[0] if found else {**rows[0], "model_name": key, "category": category, "license": licence}
    if not found:
        rows.append(row)
    row.update(rating=rating, rating_lower=rating - half_width, rating_upper=rating + half_width)
    return rows


def published(rows: list[Row], day: date) -> list[Row]:
    for r in rows:
        r["leaderboard_publish_date"] = day
    return rows


def parquet(rows: Iterable[Row], *, drop: Iterable[str] = ()) -> bytes:
    """The rows as a Parquet file, less the columns in `drop`."""
    table = pa.Table.from_pylist(list(rows))
    gone = set(drop)
    table = table.select([n for n in table.column_names if n not in gone])
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


NEWER = date(2026, 9, 1)


def newer_rows(day: date = NEWER) -> list[Row]:
    """The bundled board published `day`, with Claude Sonnet 5.5 new (overall and coding) and
    gpt-oss-120b up from 1366 to 1440 overall."""
    rows = published(bundled_rows(), day)
    rate(rows, "claude-sonnet-5-5", 1455.2)
    rate(rows, "claude-sonnet-5-5", 1471.8, "coding")
    return rate(rows, "gpt-oss-120b", 1440.4, half_width=5.4, licence="Apache 2.0")


def as_json(rows: Iterable[Row]) -> bytes:
    """The rows in the shape of LMArena's old JSON file (arena-catalog): {category: {key: rating}}, with
    the JSON's own category keys."""
    board: dict[str, dict[str, dict[str, float]]] = {}
    for r in rows:
        category = DATASET_TO_ARENA.get(r["category"], r["category"])
        board.setdefault(category, {})[r["model_name"]] = {
            "rating": r["rating"],
            "rating_q025": r["rating_lower"],
            "rating_q975": r["rating_upper"],
        }
    return json.dumps(board).encode()

"""LMArena's leaderboard (the quality feed, and the bundled snapshot) -> a validated Leaderboard.

Two shapes are read, told apart by their first bytes:
- LMArena's dataset on Hugging Face (`lmarena-ai/leaderboard-dataset`, `text/latest-00000-of-00001.parquet`):
  Parquet, one row per (model, category) with `model_name`, `license`, `rating`, `rating_lower`,
  `rating_upper`, `category` and `leaderboard_publish_date` (more columns are ignored). Its five renamed
  categories are read under the JSON's keys (bot.domain.categories.DATASET_TO_ARENA). Read with pyarrow,
  imported only here, when a board is parsed (a sync or the seed), never by a question.
- LMArena's old `data/leaderboard-text.json` (lmarena/arena-catalog, unchanged since 2025-12-11):
  `{category: {model key: {rating, rating_q025, rating_q975}}}`, still accepted from a URL serving it. It has
  no publish date.

A board is taken whole or rejected whole with the reason (LeaderboardError, a FeedError, so a sync records
it like a bad price feed): not Parquet or JSON, truncated, missing a column, the wrong shape, no overall
category, a number outside MIN_RATING..MAX_RATING or an interval that does not hold its rating, a row
without a key, licence or date, several publish dates, fewer than `min_models` models overall, more than
MAX_DROPPED of the keys known before gone, or a publish date older than the board stored. Categories other
than the overall one may come and go; the caller sees which are present. No database here: judging against
the catalog is the caller's (it passes `known_keys` and `stored`).
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any  # Any: decoded JSON and Parquet cells, before they are validated

from bot.config import DATA_DIR
from bot.domain.categories import DATASET_TO_ARENA
from bot.domain.scores import SOURCE
from bot.feeds.decode import FeedError, decode

OVERALL_KEY = "full"
MIN_RATING = 500.0  # LMArena's Elo-style scale sits near 1000-1500; outside this is broken data
MAX_RATING = 2500.0
MIN_MODELS = 50  # LMArena's overall board has had hundreds since 2024; a few dozen means a broken file
MAX_DROPPED = 0.5
MAX_KEY_LENGTH = 200
EXAMPLES = 5
_TOLERANCE = 1e-6  # a bound equal to its rating, up to float noise, is fine

PARQUET_MAGIC = b"PAR1"  # a Parquet file starts and ends with it
COLUMNS = (
    "model_name",
    "license",
    "rating",
    "rating_lower",
    "rating_upper",
    "category",
    "leaderboard_publish_date",
)

BUNDLED_FILE = DATA_DIR / "lmarena" / "text-2026-08-19.parquet"
BUNDLED_DATE = date(2026, 8, 19)  # its leaderboard_publish_date


class LeaderboardError(FeedError):
    """The leaderboard is not what we expect; nothing from it may be applied."""


@dataclass(frozen=True)
class Rating:
    """One model's score in one category, with its 95% interval (q025 <= rating <= q975)."""

    rating: float
    q025: float
    q975: float


@dataclass(frozen=True)
class Leaderboard:
    """Validated scores: category key (`full`, `coding`, ...) -> model key -> Rating; the dataset's
    publish date and each key's licence (LMArena's own words: "Proprietary", "MIT", "Modified MIT", ...),
    which the old JSON file has neither of."""

    categories: Mapping[str, Mapping[str, Rating]]
    published: date | None = None
    licences: Mapping[str, str] = field(default_factory=dict)
    source: str = SOURCE

    @property
    def overall(self) -> Mapping[str, Rating]:
        return self.categories[OVERALL_KEY]

    def keys(self) -> frozenset[str]:
        """Every model key, in any category."""
        return frozenset(k for board in self.categories.values() for k in board)


def parse_leaderboard(
    body: bytes,
    *,
    categories: Collection[str] | None = None,
    known_keys: Collection[str] = (),
    min_models: int = MIN_MODELS,
    stored: date | None = None,
    source: str = SOURCE,
) -> Leaderboard:
    """Validate a leaderboard file whole; keep only `categories` (all when None). `stored`: the publish
    date of the board the catalog holds, which a dated board may not be older than. Raises
    LeaderboardError. `source`: which board it is ("LMArena text", or the style-controlled one)."""
    if body[:4] == PARQUET_MAGIC:
        board = _from_parquet(body, categories)
    else:
        board = _from_json(body, categories)
    board = replace(board, source=source)
    if len(board.overall) < min_models:
        raise LeaderboardError(
            f"the overall category has {len(board.overall)} models, fewer than {min_models}: a partial file"
        )
    _check_dropped(board.keys(), known_keys)
    if stored is not None and board.published is not None and board.published < stored:
        raise LeaderboardError(
            f"the leaderboard was published {board.published.isoformat()}, before the one stored "
            f"({stored.isoformat()}): an older file"
        )
    return board


def _from_json(body: bytes, categories: Collection[str] | None) -> Leaderboard:
    raw = _decode(body)
    if not isinstance(raw, dict):
        raise LeaderboardError(f"the leaderboard is a JSON {_kind(raw)}, not an object of categories")
    if OVERALL_KEY not in raw:
        raise LeaderboardError(f"the leaderboard has no overall category ({OVERALL_KEY!r})")
    wanted = set(raw) if categories is None else set(categories) | {OVERALL_KEY}
    boards = {name: _board(name, raw[name]) for name in sorted(wanted) if name in raw}
    return Leaderboard(boards)


def _from_parquet(body: bytes, categories: Collection[str] | None) -> Leaderboard:
    import pyarrow as pa  # type: ignore[import-untyped]  # noqa: PLC0415 (heavy; a sync or the seed)
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415

    if body[-4:] != PARQUET_MAGIC:
        raise LeaderboardError("the leaderboard is not a whole Parquet file (truncated?)")
    try:
        parquet = pq.ParquetFile(io.BytesIO(body))
        missing = [c for c in COLUMNS if c not in parquet.schema_arrow.names]
        if missing:
            raise LeaderboardError(f"the leaderboard has no column {', '.join(map(repr, missing))}")
        rows = parquet.read(columns=list(COLUMNS)).to_pylist()
    except (pa.ArrowException, OSError) as exc:
        raise LeaderboardError(f"the leaderboard is not a readable Parquet file: {exc}") from None
    wanted = None if categories is None else set(categories) | {OVERALL_KEY}
    boards: dict[str, dict[str, Rating]] = {}
    licences: dict[str, str] = {}
    published: set[date] = set()
    for row in rows:
        key, category = _text(row, "model_name"), _text(row, "category")
        name = DATASET_TO_ARENA.get(category, category)
        where = f"{key!r} in {category!r}"
        board = boards.setdefault(name, {}) if wanted is None or name in wanted else None
        if board is not None:
            if key in board:
                raise LeaderboardError(f"{where} is listed twice")
            board[_key(category, key)] = _rating(category, key, row, _DATASET_FIELDS)
        if isinstance(licence := row["license"], str) and licence.strip():
            licences[key] = licence.strip()  # a row without one is evidence of nothing, not a broken file
        day = row["leaderboard_publish_date"]
        if not isinstance(day, date):
            raise LeaderboardError(f"{where}: leaderboard_publish_date is {day!r}, not a date")
        published.add(day)
    if OVERALL_KEY not in boards:
        raise LeaderboardError("the leaderboard has no overall category ('overall')")
    if len(published) > 1:
        days = ", ".join(d.isoformat() for d in sorted(published))
        raise LeaderboardError(f"the leaderboard mixes several publish dates: {days}")
    return Leaderboard({k: boards[k] for k in sorted(boards)}, published=published.pop(), licences=licences)


def _text(row: dict[str, Any], column: str) -> str:
    value = row[column]
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_KEY_LENGTH:
        raise LeaderboardError(f"a row's {column} is {str(value)[:40]!r}, not a name")
    return value


def load_bundled(path: Path = BUNDLED_FILE) -> Leaderboard:
    """The board shipped in data/lmarena/ (the offline seed of quality scores)."""
    return parse_leaderboard(path.read_bytes())


def licences(path: Path = BUNDLED_FILE) -> dict[str, str]:
    """Each model key's licence as LMArena states it ("Proprietary", "MIT", "Apache 2.0", "Modified MIT",
    ...), from the bundled board: evidence of open weights (any licence but Proprietary names one)."""
    return dict(_licences(path))


@functools.cache
def _licences(path: Path) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(load_bundled(path).licences.items()))


def _decode(body: bytes) -> Any:
    return decode(body, what="the leaderboard", values="a rating", error=LeaderboardError, parse_float=float)


def _board(category: str, raw: Any) -> dict[str, Rating]:
    if not isinstance(raw, dict):
        raise LeaderboardError(f"category {category!r} is a JSON {_kind(raw)}, not an object of models")
    return {_key(category, key): _rating(category, key, entry) for key, entry in raw.items()}


def _key(category: str, key: str) -> str:
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise LeaderboardError(
            f"category {category!r} has a model key that is empty or too long: {key[:40]!r}"
        )
    return key


_JSON_FIELDS = ("rating", "rating_q025", "rating_q975")
_DATASET_FIELDS = ("rating", "rating_lower", "rating_upper")


def _rating(category: str, key: str, raw: Any, fields: tuple[str, str, str] = _JSON_FIELDS) -> Rating:
    where = f"{key!r} in {category!r}"
    if not isinstance(raw, dict):
        raise LeaderboardError(f"{where} is a JSON {_kind(raw)}, not {{{', '.join(fields)}}}")
    values = [_number(where, raw, name) for name in fields]
    for name, value in zip(fields, values, strict=True):
        if not MIN_RATING <= value <= MAX_RATING:
            raise LeaderboardError(f"{where}: {name} {value:g} is outside {MIN_RATING:g}..{MAX_RATING:g}")
    rating, q025, q975 = values
    if q025 > rating + _TOLERANCE or rating > q975 + _TOLERANCE:
        raise LeaderboardError(
            f"{where}: the 95% interval {q025:.1f}..{q975:.1f} does not hold the rating {rating:.1f}"
        )
    return Rating(rating, q025, q975)


def _number(where: str, raw: dict[str, Any], field: str) -> float:
    if field not in raw:
        raise LeaderboardError(f"{where} has no {field}")
    value = raw[field]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LeaderboardError(f"{where}: {field} is {value!r}, not a number")
    return float(value)


def _check_dropped(keys: frozenset[str], known_keys: Collection[str]) -> None:
    known = set(known_keys)
    gone = sorted(known - keys)
    if known and len(gone) > MAX_DROPPED * len(known):
        raise LeaderboardError(
            f"the leaderboard drops {len(gone)} of the {len(known)} models known before "
            f"(more than {MAX_DROPPED:.0%}), e.g. {', '.join(gone[:EXAMPLES])}"
        )


def _kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )

"""LMArena's leaderboard file (the quality feed, and the bundled snapshot) -> a validated Leaderboard.

The shape is LMArena's `data/leaderboard-text.json`: `{category: {model key: {rating, rating_q025,
rating_q975}}}`, the score and its 95% interval. A feed is taken whole or rejected whole with the reason
(LeaderboardError, a FeedError, so a sync records it like a bad price feed): not UTF-8 JSON or truncated,
the wrong shape, no overall category, a number outside MIN_RATING..MAX_RATING or an interval that does
not hold its rating, fewer than `min_models` models overall, or more than MAX_DROPPED of the keys known
before gone. Categories other than the overall one may come and go; the caller sees which are present.
No database here: judging against the catalog is the caller's (it passes `known_keys`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any  # Any: decoded JSON, before it is validated

from bot.config import DATA_DIR
from bot.feeds.decode import FeedError, decode

OVERALL_KEY = "full"
MIN_RATING = 500.0  # LMArena's Elo-style scale sits near 1000-1500; outside this is broken data
MAX_RATING = 2500.0
MIN_MODELS = 50  # LMArena's overall board has had hundreds since 2024; a few dozen means a broken file
MAX_DROPPED = 0.5
MAX_KEY_LENGTH = 200
EXAMPLES = 5
_TOLERANCE = 1e-6  # a bound equal to its rating, up to float noise, is fine

BUNDLED_FILE = DATA_DIR / "lmarena" / "leaderboard-text-2025-12-17.json"
BUNDLED_DATE = date(2025, 12, 17)
SOURCE = "LMArena text"


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
    """Validated scores: category key (`full`, `coding`, ...) -> model key -> Rating."""

    categories: Mapping[str, Mapping[str, Rating]]

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
) -> Leaderboard:
    """Validate a leaderboard file whole; keep only `categories` (all when None). Raises LeaderboardError."""
    raw = _decode(body)
    if not isinstance(raw, dict):
        raise LeaderboardError(f"the leaderboard is a JSON {_kind(raw)}, not an object of categories")
    if OVERALL_KEY not in raw:
        raise LeaderboardError(f"the leaderboard has no overall category ({OVERALL_KEY!r})")
    wanted = set(raw) if categories is None else set(categories) | {OVERALL_KEY}
    boards = {name: _board(name, raw[name]) for name in sorted(wanted) if name in raw}
    board = Leaderboard(boards)
    if len(board.overall) < min_models:
        raise LeaderboardError(
            f"the overall category has {len(board.overall)} models, fewer than {min_models}: a partial file"
        )
    _check_dropped(board.keys(), known_keys)
    return board


def load_bundled(path: Path = BUNDLED_FILE) -> Leaderboard:
    """The snapshot shipped in data/lmarena/ (the offline seed of quality scores)."""
    return parse_leaderboard(path.read_bytes())


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


def _rating(category: str, key: str, raw: Any) -> Rating:
    where = f"{key!r} in {category!r}"
    if not isinstance(raw, dict):
        raise LeaderboardError(f"{where} is a JSON {_kind(raw)}, not {{rating, rating_q025, rating_q975}}")
    values = [_number(where, raw, field) for field in ("rating", "rating_q025", "rating_q975")]
    for field, value in zip(("rating", "rating_q025", "rating_q975"), values, strict=True):
        if not MIN_RATING <= value <= MAX_RATING:
            raise LeaderboardError(f"{where}: {field} {value:g} is outside {MIN_RATING:g}..{MAX_RATING:g}")
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

"""A feed's body decoded strictly (UTF-8 JSON, exact decimals, no NaN or Infinity), and FeedError,
what every feed's parser raises when a feed is wrong. No HTTP client here: the seed reads bundled files
with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any  # Any: decoded JSON, before it is validated


class FeedError(ValueError):
    """The feed is not what we expect; nothing from it may be applied."""


def decode(
    body: bytes,
    *,
    what: str = "the feed",
    values: str = "a price",
    error: type[FeedError] = FeedError,
    parse_float: Callable[[str], Any] = Decimal,
) -> Any:
    """JSON with exact decimals (or `parse_float`); NaN/Infinity and invalid UTF-8 are refused with
    `error`, saying `what` was wrong ("the feed is not valid JSON …")."""

    def no_constant(name: str) -> Any:
        raise error(f"{what} contains {name}, which is not {values}")

    try:
        return json.loads(body.decode("utf-8"), parse_float=parse_float, parse_constant=no_constant)
    except UnicodeDecodeError as exc:
        raise error(f"{what} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        # A body cut inside a string is reported at the string's start, not at the end of the body.
        cut = exc.pos >= len(body.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
        hint = " (truncated?)" if cut else ""
        raise error(
            f"{what} is not valid JSON{hint}: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None

"""What the bundled genai-prices snapshots are called, and when each came out: plain text, so that
rendering a price's source needs none of the feed code (bot.feeds.genai_prices and its pydantic models)."""

from __future__ import annotations

import functools
import re

# When each genai-prices release came out. The wheel's metadata carries no date (its files are stamped
# 2020-02-02 for reproducible builds), so it is kept here: PyPI lists 0.2.3 as published in November
# 2026, and the newest price start date in its bundled snapshot is 2026-11-09.
RELEASED = {"0.2.3": "November 2026"}
_SNAPSHOT = re.compile(r"^genai-prices (\S+) snapshot$")


@functools.lru_cache(maxsize=64)  # a handful of labels, said in every reply's footnote
def snapshot_listing(label: str) -> str:
    """'genai-prices 0.2.3 snapshot' -> 'genai-prices 0.2.3 (released November 2026)'; other labels
    as they are. Said of a price whose source gives no date: the release is all that is known."""
    m = _SNAPSHOT.match(label)
    if m is None:
        return label
    released = RELEASED.get(m.group(1))
    return f"genai-prices {m.group(1)}" + (f" (released {released})" if released else "")

"""Which variant stands for a model that LMArena lists only through effort or thinking variants.

A model's own score is its default key's (`gpt-5.5`, never `gpt-5.5-high`). Some models are on the board
only as variants (`claude-opus-5-high`, `claude-opus-5-max`): then the variant the lab serves by default
stands for it when a source says which (data/lmarena/default-variants.toml), else its best scored
variant; either way the answer names the variant. Pure but for reading that one small file.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping

from bot.config import DATA_DIR

DEFAULTS_FILE = DATA_DIR / "lmarena" / "default-variants.toml"


@functools.cache
def lab_defaults() -> Mapping[str, str]:
    """model id -> the variant its lab serves by default (only where a source says so)."""
    data = tomllib.loads(DEFAULTS_FILE.read_text())
    return {d["model"]: d["variant"] for d in data.get("default", [])}


def standing_variant(model_id: str, scores: Mapping[str, int]) -> str | None:
    """Of a model's variants and their scores (no default score among them), the one that stands for
    it: the lab's default if scored, else the best scored (ties: the first by name); None if none."""
    if not scores:
        return None
    default = lab_defaults().get(model_id)
    if default is not None and default in scores:
        return default
    return min(scores, key=lambda v: (-scores[v], v))


def variant_label(variant: str) -> str:
    """How answers name a variant: `high` -> "high effort", `thinking-32k` -> "thinking (32k)"."""
    if variant.startswith("thinking") or variant in ("think", "reasoning"):
        budget = variant.removeprefix("thinking").strip("-")
        return f"thinking ({budget})" if budget else "thinking"
    if variant == "no-thinking":
        return "without thinking"
    level, _, budget = variant.partition("-")
    return f"{level} effort" + (f" ({budget})" if budget else "")

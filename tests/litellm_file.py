"""LiteLLM's price file as shipped in litellm 1.110.2 (tests/fixtures, gzipped), and small made-up files."""

from __future__ import annotations

import functools
import gzip
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.feeds.crosscheck_file import Entry, parse_litellm

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "litellm_model_prices_1.110.2.json.gz"
RELEASE = "litellm 1.110.2 (2026-11)"


@functools.cache
def litellm_bytes() -> bytes:
    return gzip.decompress(FIXTURE.read_bytes())


@functools.cache
def litellm_entries() -> tuple[Entry, ...]:
    return tuple(parse_litellm(litellm_bytes()))


def chat(provider: str = "openai", **fields: Any) -> dict[str, Any]:
    """One LiteLLM chat entry: $1 / $2 per 1M tokens unless told otherwise."""
    return {
        "litellm_provider": provider,
        "mode": "chat",
        "input_cost_per_token": Decimal("1e-06"),
        "output_cost_per_token": Decimal("2e-06"),
        "max_input_tokens": 128000,
        **fields,
    }


def small_file(n: int = 10, **extra: dict[str, Any]) -> dict[str, Any]:
    """A well-formed file of n chat models named m0…, plus `extra` entries."""
    return {f"m{i}": chat() for i in range(n)} | extra

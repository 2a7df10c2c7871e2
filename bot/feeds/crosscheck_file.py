"""LiteLLM's price file (`model_prices_and_context_window.json`, BerriAI/litellm, MIT) -> typed entries.

The second, independent price source: one JSON object of `key -> facts`, prices per token. Only
token-priced text models are kept (modes chat, completion and responses: o1-pro and the -pro/-codex
models exist only on OpenAI's Responses API); images, audio, embeddings and the `sample_spec`
documentation entry are left out. The file is judged whole: anything wrong rejects all of it with
CrosscheckError, whose message is the reason to record. No database, no network.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any  # Any: decoded JSON, before it is validated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.domain.prices import CACHE_WRITE_1H_MTOK, MILLION, ExtraPrice, clean
from bot.feeds.decode import FeedError, decode
from bot.feeds.genai_prices import MAX_PRICE_MTOK

TEXT_MODES = frozenset({"chat", "completion", "responses"})
DOC_KEYS = frozenset({"sample_spec"})
# LiteLLM 1.110.2 lists about 3,500 token-priced text models; a file with far fewer is cut short.
MIN_ENTRIES = 1_000
# A file that lacks more than this share of the keys known from the last accepted one is not trusted.
DROP_LIMIT = Decimal("0.5")
EXAMPLES = 5


class CrosscheckError(FeedError):
    """LiteLLM's file is not what we expect; nothing from it may be used."""


@dataclass(frozen=True)
class Entry:
    """One LiteLLM model: prices in USD per 1M tokens (exact), token limits, retirement date."""

    key: str
    litellm_provider: str
    mode: str
    input_mtok: Decimal
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None
    max_input_tokens: int | None
    max_output_tokens: int | None
    deprecation_date: date | None
    extra: tuple[ExtraPrice, ...] = ()  # its tier, service-tier and cache-write prices


# LiteLLM's names for the prices a workload needs beyond the standard ones: a kind, then optionally a
# prompt-size tier and a service tier: `input_cost_per_token_above_272k_tokens_batches`.
_EXTRA_FIELD = re.compile(
    r"^(?P<kind>input_cost_per_token|output_cost_per_token|cache_read_input_token_cost"
    r"|cache_creation_input_token_cost(?:_above_1hr)?)"
    r"(?:_above_(?P<above>\d{1,4})k_tokens)?(?:_(?P<service>batches|flex|priority))?$"
)
_KINDS = {
    "input_cost_per_token": "input_mtok",
    "output_cost_per_token": "output_mtok",
    "cache_read_input_token_cost": "cache_read_mtok",
    "cache_creation_input_token_cost": "cache_write_mtok",
    "cache_creation_input_token_cost_above_1hr": CACHE_WRITE_1H_MTOK,
}
_SERVICES = {None: "standard", "batches": "batch", "flex": "flex", "priority": "priority"}


def _extras(key: str, value: Mapping[str, Any]) -> tuple[ExtraPrice, ...]:
    """The entry's prices beyond input, output and cache read (those are Entry's own fields). A zero is
    left out: LiteLLM writes 0 where a host bills no such thing separately (DeepSeek's cache writes)."""
    out: list[ExtraPrice] = []
    for name, raw in value.items():
        m = _EXTRA_FIELD.match(name)
        if m is None or not isinstance(raw, Decimal | int) or isinstance(raw, bool):
            continue
        kind, service, above = _KINDS[m.group("kind")], _SERVICES[m.group("service")], m.group("above")
        if service == "standard" and not above and kind != "cache_write_mtok" and kind != CACHE_WRITE_1H_MTOK:
            continue
        mtok = _mtok(Decimal(raw))
        if mtok < 0 or mtok > MAX_PRICE_MTOK or not mtok.is_finite():
            raise CrosscheckError(
                f"LiteLLM's entry {key!r} has an impossible {name} ({mtok} USD per 1M tokens); "
                f"prices must be between 0 and {MAX_PRICE_MTOK}"
            )
        if mtok:
            out.append(ExtraPrice(kind, service, int(above or 0) * 1000, mtok))
    return tuple(sorted(out))


class _Raw(BaseModel):
    """The fields we read of one entry; LiteLLM's many others are ignored."""

    model_config = ConfigDict(extra="ignore")
    litellm_provider: str = Field(min_length=1)
    mode: str
    input_cost_per_token: Decimal = Field(allow_inf_nan=False)
    output_cost_per_token: Decimal | None = Field(default=None, allow_inf_nan=False)
    cache_read_input_token_cost: Decimal | None = Field(default=None, allow_inf_nan=False)
    max_input_tokens: int | None = Field(default=None, ge=0)
    max_output_tokens: int | None = Field(default=None, ge=0)
    max_tokens: int | None = Field(default=None, ge=0)  # LiteLLM's legacy name for the output limit
    deprecation_date: date | None = None


def parse_litellm(
    raw: bytes | Mapping[str, Any],
    *,
    known_keys: Collection[str] = (),
    min_entries: int = MIN_ENTRIES,
) -> list[Entry]:
    """Entries of the file (its bytes, or JSON decoded with exact decimals); CrosscheckError if the file
    is not JSON, not an object of objects, too short, carries an impossible price, or lacks most of
    `known_keys` (the entry keys of the last file accepted)."""
    data = _decoded(raw) if isinstance(raw, bytes) else raw
    if not isinstance(data, Mapping) or not data:
        raise CrosscheckError("LiteLLM's price file is not a JSON object of models")
    entries: list[Entry] = []
    for key, value in data.items():
        if key in DOC_KEYS:
            continue
        if not isinstance(value, Mapping):
            raise CrosscheckError(f"LiteLLM's price file is not an object of objects: {key!r} is not one")
        if value.get("mode") in TEXT_MODES and value.get("input_cost_per_token") is not None:
            entries.append(_entry(key, value))
    if len(entries) < min_entries:
        raise CrosscheckError(
            f"LiteLLM's price file has only {len(entries)} token-priced text models (at least "
            f"{min_entries} expected): truncated or not the price file"
        )
    _check_dropped({e.key for e in entries}, known_keys)
    return entries


def _decoded(body: bytes) -> Any:
    try:
        return decode(body)
    except FeedError as exc:
        raise CrosscheckError(f"LiteLLM's price file: {exc}") from None


def _entry(key: str, value: Mapping[str, Any]) -> Entry:
    if isinstance(value.get("input_cost_per_token"), float):
        # Decoded with floats: go through str so 2.8e-07 stays exactly 2.8e-07, not its binary neighbour.
        value = {k: Decimal(str(v)) if isinstance(v, float) else v for k, v in value.items()}
    try:
        raw = _Raw.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CrosscheckError(f"LiteLLM's entry {key!r} is malformed: {where}: {first['msg']}") from None
    input_mtok = _mtok(raw.input_cost_per_token)
    output_mtok = _mtok_or_none(raw.output_cost_per_token)
    cache_read_mtok = _mtok_or_none(raw.cache_read_input_token_cost)
    for field, mtok in (("input", input_mtok), ("output", output_mtok), ("cached input", cache_read_mtok)):
        if mtok is not None and (mtok < 0 or mtok > MAX_PRICE_MTOK):
            raise CrosscheckError(
                f"LiteLLM's entry {key!r} has an impossible {field} price ({mtok} USD per 1M tokens); "
                f"prices must be between 0 and {MAX_PRICE_MTOK}"
            )
    return Entry(
        key=key,
        litellm_provider=raw.litellm_provider,
        mode=raw.mode,
        input_mtok=input_mtok,
        output_mtok=output_mtok,
        cache_read_mtok=cache_read_mtok,
        max_input_tokens=raw.max_input_tokens,
        max_output_tokens=raw.max_output_tokens if raw.max_output_tokens is not None else raw.max_tokens,
        deprecation_date=raw.deprecation_date,
        extra=_extras(key, value),
    )


def _mtok(per_token: Decimal) -> Decimal:
    """USD per token -> USD per 1M tokens, exact (to the sixth decimal, as the catalog keeps prices)."""
    mtok = per_token * MILLION
    if abs(mtok) > MAX_PRICE_MTOK:
        return mtok  # absurd: left as is, for the guard to name it
    return clean(mtok) or Decimal(0)


def _mtok_or_none(per_token: Decimal | None) -> Decimal | None:
    return None if per_token is None else _mtok(per_token)


def _check_dropped(keys: set[str], known: Collection[str]) -> None:
    if not known:
        return
    dropped = sorted(set(known) - keys)
    if Decimal(len(dropped)) / len(known) > DROP_LIMIT:
        shown = ", ".join(dropped[:EXAMPLES]) + (", …" if len(dropped) > EXAMPLES else "")
        raise CrosscheckError(
            f"LiteLLM's price file lacks {len(dropped)} of the {len(known)} models known from the last "
            f"accepted file (e.g. {shown}): over the {DROP_LIMIT:.0%} limit"
        )

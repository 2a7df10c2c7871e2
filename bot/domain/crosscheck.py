"""The cross-check: the catalog's figures against a second source's (LiteLLM), offering by offering.

genai-prices stays the primary price; this module only says where the two disagree, on plain values
passed in, so it needs no database. It also owns the bundled extract, data/litellm/extract.json:
LiteLLM's facts for the offerings the catalog curates, so the check works offline until the
cross-check feed has stored newer ones (bot.store.crosscheck reads whichever applies).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.config import DATA_DIR
from bot.contract.views import SecondOpinion
from bot.domain.prices import ExtraPrice, PriceData

EXTRACT_FILE = DATA_DIR / "litellm" / "extract.json"
# Prices further apart than this share of the larger one disagree; closer is rounding.
TOLERANCE = Decimal("0.01")
# Context windows are quoted in thousands by some and in powers of two by others (128k or 131,072;
# 1M or 1,048,576): within this share they agree.
WINDOW_TOLERANCE = Decimal("0.05")

Key = tuple[str, str]  # (genai-prices provider id, provider model id)
PriceField = Literal["input_mtok", "output_mtok", "cache_read_mtok"]
PRICE_FIELDS: tuple[PriceField, ...] = ("input_mtok", "output_mtok", "cache_read_mtok")


@dataclass(frozen=True)
class Facts:
    """What LiteLLM says of one offering: USD per 1M tokens, token limits, retirement date."""

    litellm_key: str
    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None
    max_input_tokens: int | None
    max_output_tokens: int | None
    deprecation_date: date | None
    # Tier, service-tier (batch, flex, priority) and cache-write prices, sorted (issue 27's workloads).
    extra: tuple[ExtraPrice, ...] = ()


@dataclass(frozen=True)
class Listed:
    """What the catalog shows for one offering today."""

    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None
    context_window: int | None
    # Its tier and cache-write prices (the 5-minute one too, as an extra of every prompt), for the
    # same prices of LiteLLM's.
    extra: tuple[ExtraPrice, ...] = ()


@dataclass(frozen=True)
class Disagreement:
    """One field on which the sources differ; `ours` is the catalog's figure, `theirs` LiteLLM's. A
    field is a price key, "context_window", or an extra price's code ("input_mtok>200000")."""

    key: Key
    field: PriceField | Literal["context_window"] | str
    ours: Decimal | int
    theirs: Decimal | int
    litellm_key: str


@dataclass(frozen=True)
class RetiredListed:
    """An offering the catalog lists although LiteLLM dates its retirement on or before the day asked."""

    key: Key
    deprecation_date: date
    litellm_key: str


@dataclass(frozen=True)
class Audit:
    compared: list[Key]  # offerings both sources cover
    disagreements: list[Disagreement]
    retired: list[RetiredListed]

    @property
    def agreeing(self) -> list[Key]:
        differing = {d.key for d in self.disagreements}
        return [k for k in self.compared if k not in differing]


def compare(listed: Mapping[Key, Listed], facts: Mapping[Key, Facts], *, as_of: date) -> Audit:
    """Where the catalog and LiteLLM disagree, for the offerings both cover.

    A price is compared when both sources give one: they disagree when further apart than TOLERANCE
    of the larger. A context window agrees when it is within WINDOW_TOLERANCE of LiteLLM's input
    limit or of its input plus output limits (LiteLLM gives GPT-5 272k in + 128k out where
    genai-prices gives 400k in all).
    """
    compared = sorted(set(listed) & set(facts))
    disagreements: list[Disagreement] = []
    retired: list[RetiredListed] = []
    for key in compared:
        ours, theirs = listed[key], facts[key]
        for field in PRICE_FIELDS:
            a, b = getattr(ours, field), getattr(theirs, field)
            if a is not None and b is not None and _differ(a, b, TOLERANCE):
                disagreements.append(Disagreement(key, field, a, b, theirs.litellm_key))
        their_extra = {e.code: e.mtok for e in theirs.extra}
        for extra in ours.extra:
            b = their_extra.get(extra.code)
            if b is not None and _differ(extra.mtok, b, TOLERANCE):
                disagreements.append(Disagreement(key, extra.code, extra.mtok, b, theirs.litellm_key))
        window = ours.context_window
        if window is not None and theirs.max_input_tokens is not None:
            totals = {theirs.max_input_tokens, theirs.max_input_tokens + (theirs.max_output_tokens or 0)}
            if all(_differ(Decimal(window), Decimal(t), WINDOW_TOLERANCE) for t in totals):
                disagreements.append(
                    Disagreement(key, "context_window", window, theirs.max_input_tokens, theirs.litellm_key)
                )
        if theirs.deprecation_date is not None and theirs.deprecation_date <= as_of:
            retired.append(RetiredListed(key, theirs.deprecation_date, theirs.litellm_key))
    return Audit(compared, disagreements, retired)


def second_opinion(
    provider_id: str,
    model_id: str,
    listed: PriceData,
    source_kind: str,
    facts: Mapping[Key, Facts] | None = None,
) -> SecondOpinion | None:
    """LiteLLM's prices for this offering when any differs from ours by more than 1%; None when they
    agree, when LiteLLM doesn't list it, or when the price is an admin's (the team has settled it).
    `facts`: LiteLLM's facts as the catalog holds them (bot.store.crosscheck); the bundled extract
    when not given."""
    if source_kind == "admin":
        return None
    theirs = (load_extract() if facts is None else facts).get((provider_id, model_id))
    if theirs is None:
        return None
    fields = [
        f
        for f in PRICE_FIELDS
        if (a := getattr(listed, f)) is not None
        and (b := getattr(theirs, f)) is not None
        and _differ(a, b, TOLERANCE)
    ]
    if not fields:
        return None
    return SecondOpinion(
        source="LiteLLM",
        input_mtok=theirs.input_mtok,
        output_mtok=theirs.output_mtok,
        cache_read_mtok=theirs.cache_read_mtok,
        fields=list(fields),
    )


def _differ(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) > tolerance * max(abs(a), abs(b))


# ---- the bundled extract -------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ExtractFacts(_Strict):
    litellm_key: str = Field(min_length=1)
    input_mtok: Decimal | None = Field(default=None, ge=0, le=10_000)
    output_mtok: Decimal | None = Field(default=None, ge=0, le=10_000)
    cache_read_mtok: Decimal | None = Field(default=None, ge=0, le=10_000)
    max_input_tokens: int | None = Field(default=None, ge=0)
    max_output_tokens: int | None = Field(default=None, ge=0)
    deprecation_date: date | None = None
    extra: dict[str, Decimal] = {}  # ExtraPrice codes -> USD per 1M tokens


class Extract(_Strict):
    """data/litellm/extract.json: where the facts come from, and the facts by "provider:model id"."""

    source: str = Field(min_length=1)
    licence: str = Field(min_length=1)
    offerings: dict[str, _ExtractFacts]

    def facts(self) -> dict[Key, Facts]:
        out: dict[Key, Facts] = {}
        for offering, f in self.offerings.items():
            provider, sep, model = offering.partition(":")
            if not (provider and sep and model):
                raise ValueError(f"extract offering {offering!r} is not 'provider:model-id'")
            fields = f.model_dump(exclude={"extra"})
            extra = tuple(sorted(ExtraPrice.of(code, mtok) for code, mtok in f.extra.items()))
            out[(provider, model)] = Facts(**fields, extra=extra)
        return out


@functools.cache
def _extract(path: Path = EXTRACT_FILE) -> Extract:
    raw = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return Extract.model_validate(raw)


@functools.cache
def load_extract(path: Path = EXTRACT_FILE) -> dict[Key, Facts]:
    """LiteLLM's facts for the curated offerings, as bundled; validated strictly. Read once: every
    offering's second opinion looks here (callers only read it)."""
    return _extract(path).facts()


def extract_source(path: Path = EXTRACT_FILE) -> str:
    """Where the bundled facts come from: "BerriAI/litellm …, as shipped in litellm 1.110.2 (2026-11)"."""
    return _extract(path).source

"""The answer to `modelcost reprice FILE`: a usage file's traffic priced today, on open alternatives and
on named models. Its own answer (not one of `Answer`'s): it answers a file, not a command's text."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True, slots=True, kw_only=True)
class RepricedOn:
    """The same traffic on another model, at its cheapest live host for each part of it."""

    id: str
    name: str
    cost: Decimal | None  # None: no host prices it
    saving: Decimal | None  # today's cost minus this one (negative: dearer)
    saving_pct: Decimal | None
    hosts: list[str]
    # What its hosts lack ("no batch price known"), how a missing price was filled.
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class RepricedModel:
    """One model of the file: its traffic, what it costs today, what the file says was billed."""

    id: str
    name: str
    written: list[str]  # the ids as the file writes them
    tiers: list[str]  # the service tiers its rows ran in
    rows: int
    requests: int
    input_tokens: int  # every input token: cache reads and writes included
    cached_tokens: int
    cache_write_tokens: int  # 5-minute and 1-hour
    output_tokens: int
    cost: Decimal | None  # today, at its cheapest live host
    hosts: list[str]
    billed: Decimal | None  # as the file says, where it carries it
    billed_difference: Decimal | None  # today's cost minus billed
    alternatives: list[RepricedOn]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownId:
    """An id of the file the catalog does not know: its rows and tokens, and names it might mean."""

    written: str
    rows: int
    tokens: int
    suggestions: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class RepriceAnswer:
    """A usage file's traffic priced today: per model, on open alternatives, and on named models."""

    kind: Literal["reprice"] = "reprice"
    format: str  # "openai", "anthropic", "litellm", "openrouter", "plain"
    format_label: str
    rows: int
    category: str
    models: list[RepricedModel]
    cost: Decimal  # the priced models, today
    billed: Decimal | None
    on: list[RepricedOn]  # the named models (--on), each over all the priced traffic
    unknown: list[UnknownId]

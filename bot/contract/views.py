"""The parts answers are made of: a model and its prices at a host, a quality score, a workload, a
price change, an audit row, a history entry. Renderers show them; nothing here knows how.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from bot.contract.actor import Actor

Status = Literal["active", "deprecated", "retired"]  # see bot.domain.lifecycle


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadView:
    """The workload costs are worked out for: the one asked about, or the default."""

    input_tokens: int
    output_tokens: int
    cached_share: Decimal
    given: bool  # False: the default workload, used for ranking


@dataclass(frozen=True, slots=True, kw_only=True)
class SecondOpinion:
    """What the second price source (LiteLLM) lists for an offering, where it differs by more than 1%."""

    source: str  # "LiteLLM"
    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None
    fields: list[str]  # the price keys that differ


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceView:
    """One host's current prices for a model, USD per 1M tokens, and where they came from."""

    provider_id: str
    provider_name: str
    provider_model_id: str
    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None
    cache_write_mtok: Decimal | None
    # Off-peak: the window (UTC, e.g. "16:30-00:30") and the input and output prices in it.
    offpeak_window: str | None = None
    offpeak_input_mtok: Decimal | None = None
    offpeak_output_mtok: Decimal | None = None
    context_window: int | None  # all tokens, in and out
    input_limit: int | None = None  # the prompt's own limit, where a source gives one below the window
    # The day the price took effect as its source says (genai-prices' start date), else the day of the
    # sync or edit that set it; None for a snapshot's price that carries no date (see `source`).
    changed_on: date | None
    source: Actor  # who made the current price
    workload_cost: Decimal | None
    # Lifecycle (bot.domain.lifecycle): retired offerings show their last price, marked.
    status: Status = "active"
    status_date: date | None = None  # the retirement day, past or coming
    # LiteLLM's figures where they differ by more than 1% (never silently picked; an admin's `set` settles).
    second_opinion: SecondOpinion | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class QualityView:
    """A model's quality score in one category: whose it is, how sure, and as of when."""

    score: int
    low: int | None = None  # the 95% interval, where the source gives one
    high: int | None = None
    category: str  # Category.name: "overall", "coding", ...
    category_label: str
    source: str  # "LMArena text", or "team" for an admin's own score
    as_of: date
    team: bool = False  # the team's own judgement (`set sonnet score 1460`), preferred while set
    set_by: Actor | None = None  # who set the team's score
    floor_from: str | None = None  # a floor: the scored predecessor whose score this is (its name)
    floor_from_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelView:
    """A model as an answer shows it: its price (the lab's own API, else the cheapest host), quality
    and hosts."""

    id: str
    name: str
    lab: str
    open_weights: bool | None
    license: str | None
    quality: QualityView | None  # in the category asked for (overall unless one was)
    release_date: date | None
    curated: bool
    price: PriceView  # the lab's own API; the cheapest host when the lab has none
    lab_api: bool  # whether `price` is the lab's own API
    cheapest: (
        PriceView | None
    )  # the cheapest live host, when it is not `price` (always, if `price` is retired)
    hosts: int  # live hosts
    status: Status = "active"  # the lab offering's (see bot.domain.lifecycle)
    status_date: date | None = None
    successor_id: str | None = None  # the model to use instead, once this one is retired (data/)
    successor_name: str | None = None
    # A model card's cheapest live hosts, cheapest first (up to 5, or all).
    top_hosts: list[PriceView] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlternativeView:
    """A cheaper model, with its cost for the workload and the saving against the target."""

    model: ModelView
    cost: Decimal  # the workload at the cheapest host
    saving_pct: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class ListRow:
    """One model in `list`: its lab and the price at its lab's API (or cheapest host)."""

    id: str
    name: str
    lab: str
    open_weights: bool | None
    provider_name: str
    input_mtok: Decimal | None
    output_mtok: Decimal | None
    status: Status = "active"
    status_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceChangeView:
    """One offering's price before and after a change, with the % move of each price."""

    model_id: str | None
    model_name: str
    provider_id: str
    provider_name: str
    old: dict[str, Decimal | None] | None  # price key -> value; None for a new offering
    new: dict[str, Decimal | None]
    pct: dict[str, Decimal | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRow:
    """One field on which the catalog and the second source disagree, for one offering."""

    model_id: str | None
    model_name: str
    host: str
    offering: str  # "provider:model id"
    field: str  # input_mtok, output_mtok, cache_read_mtok (USD per 1M tokens) or context_window (tokens)
    ours: str  # the catalog's figure (genai-prices, or an admin's price)
    theirs: str  # LiteLLM's
    litellm_key: str
    resolved_by_team: bool  # the catalog's price is an admin's: settled for the team


@dataclass(frozen=True, slots=True, kw_only=True)
class RetiredRow:
    """An offering the catalog lists although the second source dates its retirement on or before today."""

    model_id: str | None
    model_name: str
    host: str
    offering: str
    deprecation_date: date
    litellm_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """One price change at one host: old -> new, with the % move of each price and who made it."""

    at: datetime
    provider_name: str
    old: dict[str, Decimal | None] | None
    new: dict[str, Decimal | None]
    pct: dict[str, Decimal | None]
    actor: Actor


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreEntry:
    """A change of a model's quality score: the leaderboard's moving, or the team setting its own."""

    at: datetime
    category_label: str
    old: int | None
    new: int | None  # None: the team's score was unset
    team: bool
    actor: Actor


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionView:
    """A channel's subscription: which models (None: every model), from which move, and its state."""

    channel_id: str
    model_ids: list[str] | None
    min_change_pct: Decimal | None
    status: str
    status_reason: str | None

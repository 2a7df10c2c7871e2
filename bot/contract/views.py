"""The parts answers are made of: a model and its prices at a host, a quality score, a workload, a
price change, an audit row, a history entry. Renderers show them; nothing here knows how.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from bot.contract.actor import Actor

Status = Literal["active", "deprecated", "retired"]  # see bot.domain.lifecycle


def _unset(value: object) -> bool:
    """A field left at its nothing (0, None, False): not written to the JSON."""
    return value is None or value is False or value == 0


def _standard(value: object) -> bool:
    """The standard service tier: not written to the JSON."""
    return value == "standard"


# A field left out of the `--json` form (bot.contract.base.as_json) while it holds its nothing, so that
# answers without it read as they did before it was added. Pydantic reads the Field in the annotation.
Unset = Field(exclude_if=_unset)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadView:
    """The workload costs are worked out for: the one asked about, or the default."""

    input_tokens: int
    output_tokens: int
    cached_share: Decimal
    given: bool  # False: the default workload, used for ranking
    # Issue 27's parts (bot.contract.requests.Workload says what each means); left out of the JSON
    # when not given, so that answers without them read as before.
    cache_write_tokens: Annotated[int, Unset] = 0
    cache_write_1h_tokens: Annotated[int, Unset] = 0
    prompt_tokens: Annotated[int | None, Unset] = None
    service_tier: Annotated[str, Field(exclude_if=_standard)] = "standard"
    offpeak: Annotated[bool, Unset] = False
    team_default: Annotated[bool, Unset] = False  # the team's default workload


@dataclass(frozen=True, slots=True, kw_only=True)
class CostPart:
    """One line of a workload's cost: tokens x price (USD per 1M tokens), and whose price it is."""

    part: str  # "input", "cache writes", "cache writes (1h)", "cache reads", "output"
    tokens: int
    mtok: Decimal
    cost: Decimal
    source: str  # "genai-prices 0.2.3 snapshot", "LiteLLM", "admin"


@dataclass(frozen=True, slots=True, kw_only=True)
class PricingView:
    """How a model's workload cost was worked out (bot.domain.workloads): at which host, with which tiers,
    part by part; or why the model is left out."""

    provider_name: str | None  # the host priced: the cheapest live one offering what was asked
    cost: Decimal | None  # None: left out
    tiers: list[str]  # applied: "above 200k", "batch", "off-peak"
    parts: list[CostPart]
    lacking: list[str]  # asked for but offered by no host of the model: "batch", "off-peak"
    notes: list[str]  # how a missing price was filled in
    cheaper_without: str | None = None  # "Groq without batch: $50.00"
    left_out: str | None = None  # "takes prompts of 200k tokens at most"


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
    source: str  # the board ("LMArena text"), or "team" for an admin's own score
    as_of: date  # the board's publish date (LMArena's leaderboard_publish_date); the day a team set it
    team: bool = False  # the team's own judgement (`set sonnet score 1460`), preferred while set
    set_by: Actor | None = None  # who set the team's score
    floor_from: str | None = None  # a floor: the scored predecessor whose score this is (its name)
    floor_from_id: str | None = None
    # The effort or thinking variant whose score this is, for a model LMArena lists only through variants
    # (`high` for claude-opus-5-high): the lab's default where a source says which, else the best scored.
    variant: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplacementView:
    """The model to use instead of a retired or retiring one, as its lab names it (data/lifecycle.toml,
    else the catalog), and what the same workload costs there."""

    id: str
    name: str
    # Its price with the workload's cost: at its lab's API, else its cheapest live host; None unpriced.
    price: PriceView | None
    # Names of the retired models the chain of successors passes on the way.
    via: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedView:
    """A row genai-prices lists at the model's lab API that is not the lab's own price (another host's,
    copied under the lab's name, or a model the lab does not sell): shown as what it is, never as the
    lab's."""

    host: str  # the lab's API it is listed under
    provider_model_id: str
    input_mtok: Decimal
    output_mtok: Decimal
    copied_from: str | None  # the host whose price it is, where one lists the same
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelView:
    """A model as an answer shows it: its price (the lab's own API, else the cheapest host), quality
    and hosts."""

    id: str
    name: str
    lab: str
    open_weights: bool | None
    license: str | None
    # Where open_weights came from, and the sources that disagree (None: data/catalog.toml's own facts).
    weights_source: str | None = None
    context_window: int | None = None  # the model's, as models.dev gives it; a host's own is its price's
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
    # Once retired (or retiring), where to go: the first live model of its chain of successors.
    replacement: ReplacementView | None = None
    # A lab that answers the retired id with another model and bills that model's price: that model.
    redirect: ReplacementView | None = None
    lifecycle_source: str | None = None  # the lab's deprecation page, when it speaks of this model
    lifecycle_checked: date | None = None  # the day that page was read
    # Rows at its lab's API that are not the lab's price.
    imported: list[ImportedView] = field(default_factory=list)
    # A model card's cheapest live hosts, cheapest first (up to 5, or all).
    top_hosts: list[PriceView] = field(default_factory=list)
    # How a given workload was priced (issue 27); left out of the JSON when no workload was given.
    pricing: Annotated[PricingView | None, Unset] = None


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
class LifecycleRow:
    """One offering whose lifecycle sources disagree (bot.domain.lifecycle.disagree)."""

    model_id: str | None
    model_name: str
    host: str
    offering: str  # "provider:model id"
    said: dict[str, str]  # source -> what it says ("retired 2026-05-15", "retires 2026-12-11", "active", ...)
    lab_source: str | None = None  # the lab's page, when it speaks


@dataclass(frozen=True, slots=True, kw_only=True)
class LabPriceRow:
    """A row at a lab's own API that no second source confirms as the lab's price: `imported` (the
    same price as another host's, copied under the lab's name) or `unconfirmed` (no second source, and
    unlike the model's other hosts)."""

    model_id: str | None
    model_name: str
    host: str
    offering: str  # "provider:model id"
    verdict: str  # "imported" or "unconfirmed"
    input_mtok: str
    output_mtok: str
    reason: str  # the evidence, in words
    copied_from: str | None = None  # the host whose price it is, for an imported row


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
    families: list[str] | None = None  # data/catalog.toml family slugs, present and future members
    digest: str | None = None  # "weekly" | "daily" (bot.alerts.digests)
    digest_schedule: str | None = None  # "Mondays 09:00 UTC"
    digest_only: bool = False  # no per-change alerts: the digest only


@dataclass(frozen=True, slots=True, kw_only=True)
class LifecycleNote:
    """A followed model that is deprecated: when its lab retires it, and what to use instead."""

    model_id: str
    model_name: str
    retires_on: date | None
    successor_name: str | None

"""Typed answers: what the catalog says in reply to a request. Renderers turn these into
Block Kit, terminal text or JSON; nothing here knows how it will be shown."""

# No `from __future__ import annotations` here: pydantic would compile and eval every field's
# annotation string when the answers' classes are made, a few ms of each cold `modelcost ask`.

from datetime import date, datetime
from decimal import Decimal
from typing import (  # Any: what a pydantic 'before' validator receives; `replaced`'s field values
    Any,
    Literal,
    TypeVar,
)
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, model_validator

from bot.sync.summary import SyncStatusAnswer as SyncStatusAnswer  # re-exported: part of Answer
from bot.sync.summary import SyncSummary as SyncSummary


class _Answer(BaseModel):
    # Each class's schema is built when it is first used, not at import: a cold `modelcost ask`
    # builds only the few its answer needs.
    model_config = ConfigDict(frozen=True, defer_build=True)


A = TypeVar("A", bound=_Answer)


def replaced(answer: A, **changes: Any) -> A:
    """A copy of `answer` with some fields replaced, not validated again: pydantic's
    `model_copy(update=...)` without its copying machinery (a third of the time, and a read answer
    makes a dozen). For values of the fields' own types only, as views made from views are."""
    fields = answer.__dict__.copy()
    fields.update(changes)
    kept = answer.__pydantic_fields_set__
    # Fields set stay set: the set is shared (nothing changes it) unless a change sets a new one.
    return _unchecked(type(answer), fields, kept if changes.keys() <= kept else kept | changes.keys())


def made(cls: type[A], **fields: Any) -> A:
    """An answer from values of its fields' own types, every field given, not validated: for the
    small ones a read answer makes several of (AlternativeView), each a validation otherwise."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(cls.model_fields)
    if fields.keys() != names:
        raise TypeError(f"{cls.__name__} needs exactly its fields: {', '.join(cls.model_fields)}")
    return _unchecked(cls, fields, set(fields))


_FIELDS: dict[type, frozenset[str]] = {}  # each class's field names, for `made` (model_fields costs a µs)


# A pydantic model keeps its state in four slots (BaseModel.__slots__); these set them directly, where
# object.__setattr__ would look each name up on the class first (a third of the cost of a copy).
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _unchecked(cls: type[A], fields: dict[str, Any], fields_set: set[str]) -> A:
    new = object.__new__(cls)
    _set_dict(new, fields)
    _set_fields_set(new, fields_set)
    _set_extra(new, None)
    _set_private(new, None)
    return new


ActorKind = Literal["admin", "feed", "snapshot"]
Status = Literal["active", "deprecated", "retired"]  # see bot.catalog.lifecycle
CLI_USER = "cli"  # the admin id of the terminal operator (`modelcost ask` runs as an admin)


class Actor(_Answer):
    """Who made a change, as data; each surface renders it its own way (a mention, a name, plain text).

    admin: a Slack user id, or "cli" for the terminal operator; feed: the feed's URL without its
    query string, fragment or credentials; snapshot: its name, e.g. "genai-prices 0.2.3 snapshot".
    """

    kind: ActorKind
    id: str

    @model_validator(mode="before")
    @classmethod
    def _public_feed_url(cls, data: Any) -> Any:
        # A feed URL's query string may carry a token: it is never kept, so never stored nor shown.
        if isinstance(data, dict) and data.get("kind") == "feed" and isinstance(data.get("id"), str):
            return {**data, "id": public_url(data["id"])}
        return data


def public_url(url: str) -> str:
    """The URL without credentials, query string or fragment ("https://host/path")."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return url.split("?", 1)[0].split("#", 1)[0]
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class WorkloadView(_Answer):
    input_tokens: int
    output_tokens: int
    cached_share: Decimal
    given: bool  # False: the default workload, used for ranking


class SecondOpinion(_Answer):
    """What the second price source (LiteLLM) lists for an offering, where it differs by more than 1%."""

    source: str  # "LiteLLM"
    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None
    fields: list[str]  # the price keys that differ


class PriceView(_Answer):
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
    # Lifecycle (bot.catalog.lifecycle): retired offerings show their last price, marked.
    status: Status = "active"
    status_date: date | None = None  # the retirement day, past or coming
    # LiteLLM's figures where they differ by more than 1% (never silently picked; an admin's `set` settles).
    second_opinion: SecondOpinion | None = None


class QualityView(_Answer):
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


class ModelView(_Answer):
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
    status: Status = "active"  # the lab offering's (see bot.catalog.lifecycle)
    status_date: date | None = None
    successor_id: str | None = None  # the model to use instead, once this one is retired (data/)
    successor_name: str | None = None
    top_hosts: list[PriceView] = []  # a model card's cheapest live hosts, cheapest first (up to 5, or all)


class AlternativeView(_Answer):
    model: ModelView
    cost: Decimal  # the workload at the cheapest host
    saving_pct: Decimal


class CompareAnswer(_Answer):
    kind: Literal["compare"] = "compare"
    models: list[ModelView]
    workload: WorkloadView
    cheapest_id: str | None
    # Each model's price as a multiple of the cheapest model's (by workload cost): id -> ratio.
    input_ratio: dict[str, Decimal | None]
    output_ratio: dict[str, Decimal | None]
    cost_ratio: dict[str, Decimal | None]
    alternatives_for: str | None = None
    alternatives: list[AlternativeView] = []
    category: str = "overall"
    notes: list[str] = []  # e.g. how a family name was read ("Claude means Claude Sonnet 5.5 here")


class ModelAnswer(_Answer):
    kind: Literal["model"] = "model"
    model: ModelView
    workload: WorkloadView
    notes: list[str] = []


class AlternativesAnswer(_Answer):
    kind: Literal["alternatives"] = "alternatives"
    target: ModelView
    workload: WorkloadView
    min_score: int | None
    alternatives: list[AlternativeView]
    footnote: str
    category: str = "overall"
    ranked_by: Literal["cost", "score"] = "cost"
    more: int = 0  # comparable cheaper models left out to keep the reply short
    nearest: list[AlternativeView] = []  # none comparable: the best scored cheaper ones, below the bar
    notes: list[str] = []


class ListRow(_Answer):
    id: str
    name: str
    lab: str
    open_weights: bool | None
    provider_name: str
    input_mtok: Decimal | None
    output_mtok: Decimal | None
    status: Status = "active"
    status_date: date | None = None


class ListAnswer(_Answer):
    kind: Literal["list"] = "list"
    filter: str | None
    rows: list[ListRow]
    more: int  # rows left out to keep the reply short
    retired: bool = False  # `list all`: retired models are listed (and marked) too


class HelpAnswer(_Answer):
    kind: Literal["help"] = "help"
    commands: list[tuple[str, str]]  # (example, what it does)
    footnote: str


class PriceChangeView(_Answer):
    """One offering's price before and after a change, with the % move of each price."""

    model_id: str | None
    model_name: str
    provider_id: str
    provider_name: str
    old: dict[str, Decimal | None] | None  # price key -> value; None for a new offering
    new: dict[str, Decimal | None]
    pct: dict[str, Decimal | None]


class SetPriceAnswer(_Answer):
    kind: Literal["set"] = "set"
    change: PriceChangeView
    unchanged: bool  # the prices were already these: nothing was written
    actor: Actor
    alerts_queued: int


class ScoreAnswer(_Answer):
    """The team's own score set (or unset) for a model in a category."""

    kind: Literal["set-score"] = "set-score"
    model_id: str
    model_name: str
    category: str
    category_label: str
    old: int | None  # the score in force before (the team's or the leaderboard's)
    new: int | None  # in force now; after `unset`, the leaderboard's again (None if it has none)
    team: int | None  # the team's score now; None after `unset`
    unchanged: bool
    actor: Actor


class AuditRow(_Answer):
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


class RetiredRow(_Answer):
    """An offering the catalog lists although the second source dates its retirement on or before today."""

    model_id: str | None
    model_name: str
    host: str
    offering: str
    deprecation_date: date
    litellm_key: str


class AuditAnswer(_Answer):
    kind: Literal["audit"] = "audit"
    source: str  # the second source and its version
    as_of: date
    offerings_compared: int
    offerings_agreeing: int  # on every field (or settled by an admin's price)
    models_compared: int  # models compared at their lab's own API
    models_agreeing: int
    disagreements: list[AuditRow]
    retired: list[RetiredRow]


class AliasAnswer(_Answer):
    kind: Literal["alias"] = "alias"
    alias: str
    model_id: str
    model_name: str
    removed: bool = False


class HistoryEntry(_Answer):
    at: datetime
    provider_name: str
    old: dict[str, Decimal | None] | None
    new: dict[str, Decimal | None]
    pct: dict[str, Decimal | None]
    actor: Actor


class ScoreEntry(_Answer):
    """A change of a model's quality score: the leaderboard's moving, or the team setting its own."""

    at: datetime
    category_label: str
    old: int | None
    new: int | None  # None: the team's score was unset
    team: bool
    actor: Actor


class HistoryAnswer(_Answer):
    kind: Literal["history"] = "history"
    model_id: str
    model_name: str
    entries: list[HistoryEntry]  # newest first
    more: int
    scores: list[ScoreEntry] = []  # newest first: the team's scores and the leaderboard's moves


class SubscriptionView(_Answer):
    channel_id: str
    model_ids: list[str] | None
    min_change_pct: Decimal | None
    status: str
    status_reason: str | None


class SubscriptionAnswer(_Answer):
    kind: Literal["subscription"] = "subscription"
    action: Literal["subscribed", "unsubscribed", "listed", "none"]
    subscription: SubscriptionView | None


# The App Home's data (bot.catalog.home): not the answer to a command, so not part of `Answer`.
HomePrices = dict[str, Decimal | None]  # price key -> USD per 1M tokens
HomeStatus = Literal["active", "broken", "disabled"]


class ModelRef(_Answer):
    id: str
    name: str


class HomeSubscription(_Answer):
    """One channel's subscription: which models (None: every model), from which move, and its state."""

    channel_id: str
    models: list[ModelRef] | None
    min_change_pct: Decimal | None
    status: HomeStatus
    reason: str | None  # why broken or disabled (e.g. the app was uninstalled)


class HomeChange(_Answer):
    """One price change the workspace saw: old -> new at a host, and who or which feed made it."""

    at: datetime
    model: ModelRef
    provider_name: str
    old: HomePrices | None  # None: the host's first price of the model
    new: HomePrices
    pct: dict[str, Decimal | None]
    actor: Actor
    own: bool  # the workspace's own admin's (an override), not the shared catalog's


class HomePrice(_Answer):
    """A current price the workspace's admins set (in single mode: an admin's price in the catalog)."""

    model: ModelRef
    provider_name: str
    prices: HomePrices
    set_by: Actor
    at: datetime


class HomeAlias(_Answer):
    """A name the workspace's admins added (who added it is not recorded, only when)."""

    alias: str
    model: ModelRef
    at: datetime


class HomeScore(_Answer):
    """The team's own quality score for a model in a category, in force in this workspace."""

    model: ModelRef
    category_label: str
    score: int
    set_by: Actor
    at: datetime


class HomeAnswer(_Answer):
    kind: Literal["home"] = "home"
    workspace: str
    subscriptions: list[HomeSubscription]  # active first, then broken, then disabled; by channel
    follows_all: bool  # an active subscription hears about every model
    followed: list[ModelRef]  # the models active subscriptions name (when not all), by name
    changes: list[HomeChange]  # newest first, at most LATEST_CHANGES
    prices: list[HomePrice]
    aliases: list[HomeAlias]
    scores: list[HomeScore]


# Every answer there is; renderers `match` over it and end in `assert_never`.
Answer = (
    CompareAnswer
    | ModelAnswer
    | AlternativesAnswer
    | ListAnswer
    | HelpAnswer
    | SetPriceAnswer
    | ScoreAnswer
    | AuditAnswer
    | AliasAnswer
    | HistoryAnswer
    | SubscriptionAnswer
    | SyncSummary
    | SyncStatusAnswer
)

"""Typed answers: what the catalog says in reply to a request. Renderers turn these into
Block Kit, terminal text or JSON; nothing here knows how it will be shown."""


# No `from __future__ import annotations` here: pydantic would compile and eval every field's
# annotation string when the answers' classes are made, a few ms of each cold `modelcost ask`.

from datetime import date
from decimal import Decimal
from typing import Literal

from bot.contract.actor import Actor
from bot.contract.base import _Answer
from bot.contract.sync import SyncStatusAnswer, SyncSummary
from bot.contract.views import (
    AlternativeView,
    AuditRow,
    HistoryEntry,
    LabPriceRow,
    LifecycleNote,
    LifecycleRow,
    ListRow,
    ModelView,
    PriceChangeView,
    RetiredRow,
    ScoreEntry,
    SubscriptionView,
    WorkloadView,
)


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
    lifecycle: list[LifecycleRow] = []  # offerings whose lifecycle sources disagree
    imported: list[LabPriceRow] = []  # rows at a lab's API that are another host's price
    unconfirmed: list[LabPriceRow] = []  # rows at a lab's API no second source confirms
    # How many of each list: price_disagreements (open), retired_listed, lifecycle, imported, unconfirmed.
    totals: dict[str, int] = {}


class AliasAnswer(_Answer):
    kind: Literal["alias"] = "alias"
    alias: str
    model_id: str
    model_name: str
    removed: bool = False


class HistoryAnswer(_Answer):
    kind: Literal["history"] = "history"
    model_id: str
    model_name: str
    entries: list[HistoryEntry]  # newest first
    more: int
    scores: list[ScoreEntry] = []  # newest first: the team's scores and the leaderboard's moves


class WorkloadSetAnswer(_Answer):
    """The team's default workload set (or unset, `workload` None): used by every question that gives none."""

    kind: Literal["set-workload"] = "set-workload"
    workload: WorkloadView | None
    previous: WorkloadView | None
    unchanged: bool
    actor: Actor


class SubscriptionAnswer(_Answer):
    kind: Literal["subscription"] = "subscription"
    action: Literal["subscribed", "unsubscribed", "listed", "none"]
    subscription: SubscriptionView | None
    deprecated: list[LifecycleNote] = []  # followed models already deprecated when subscribing


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
    | WorkloadSetAnswer
    | SyncSummary
    | SyncStatusAnswer
)

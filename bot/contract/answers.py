"""Typed answers: what the catalog says in reply to a request. Renderers turn these into
Block Kit, terminal text or JSON; nothing here knows how it will be shown. Each says what renderers
ask of it as a class fact (`chart`: whether it has a chart; see bot.contract.base.AnswerType)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar, Literal, TypeGuard

from bot.contract.actor import Actor
from bot.contract.base import AnswerType
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


@dataclass(frozen=True, slots=True, kw_only=True)
class CompareAnswer(AnswerType):
    """Models side by side (`r1 vs o1`): prices, the workload's cost, how each compares with the
    cheapest."""

    chart: ClassVar[bool] = True  # cost against quality, and the workload's cost

    kind: Literal["compare"] = "compare"
    models: list[ModelView]
    workload: WorkloadView
    cheapest_id: str | None
    # Each model's price as a multiple of the cheapest model's (by workload cost): id -> ratio.
    input_ratio: dict[str, Decimal | None]
    output_ratio: dict[str, Decimal | None]
    cost_ratio: dict[str, Decimal | None]
    alternatives_for: str | None = None
    alternatives: list[AlternativeView] = field(default_factory=list)
    category: str = "overall"
    # E.g. how a family name was read ("Claude means Claude Sonnet 5.5 here").
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelAnswer(AnswerType):
    """One model's card (`o1`, `r1 hosts`): its price, quality, hosts and lifecycle."""

    kind: Literal["model"] = "model"
    model: ModelView
    workload: WorkloadView
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlternativesAnswer(AnswerType):
    """Cheaper models comparable to a target (`cheaper o1`), ranked by cost or by score."""

    chart: ClassVar[bool] = True  # cost against quality

    kind: Literal["alternatives"] = "alternatives"
    target: ModelView
    workload: WorkloadView
    min_score: int | None
    alternatives: list[AlternativeView]
    footnote: str
    category: str = "overall"
    ranked_by: Literal["cost", "score"] = "cost"
    more: int = 0  # comparable cheaper models left out to keep the reply short
    # None comparable: the best scored cheaper ones, below the bar.
    nearest: list[AlternativeView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListAnswer(AnswerType):
    """The models `list` shows, filtered by lab, host or open weights."""

    kind: Literal["list"] = "list"
    filter: str | None
    rows: list[ListRow]
    more: int  # rows left out to keep the reply short
    retired: bool = False  # `list all`: retired models are listed (and marked) too


@dataclass(frozen=True, slots=True, kw_only=True)
class HelpAnswer(AnswerType):
    """The commands there are, with what each does."""

    kind: Literal["help"] = "help"
    commands: list[tuple[str, str]]  # (example, what it does)
    footnote: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SetPriceAnswer(AnswerType):
    """An admin's price set (or found unchanged), and the alerts it queued."""

    kind: Literal["set"] = "set"
    change: PriceChangeView
    unchanged: bool  # the prices were already these: nothing was written
    actor: Actor
    alerts_queued: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreAnswer(AnswerType):
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


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditAnswer(AnswerType):
    """Where the catalog and the second price source (LiteLLM) disagree, and what it lists as
    retired."""

    kind: Literal["audit"] = "audit"
    source: str  # the second source and its version
    as_of: date
    offerings_compared: int
    offerings_agreeing: int  # on every field (or settled by an admin's price)
    models_compared: int  # models compared at their lab's own API
    models_agreeing: int
    disagreements: list[AuditRow]
    retired: list[RetiredRow]
    # Offerings whose lifecycle sources disagree.
    lifecycle: list[LifecycleRow] = field(default_factory=list)
    # Rows at a lab's API that are another host's price.
    imported: list[LabPriceRow] = field(default_factory=list)
    # Rows at a lab's API no second source confirms.
    unconfirmed: list[LabPriceRow] = field(default_factory=list)
    # How many of each list: price_disagreements (open), retired_listed, lifecycle, imported, unconfirmed.
    totals: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class AliasAnswer(AnswerType):
    """A name added for a model (or removed)."""

    kind: Literal["alias"] = "alias"
    alias: str
    model_id: str
    model_name: str
    removed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryAnswer(AnswerType):
    """A model's dated price changes at every host, and its score changes."""

    chart: ClassVar[bool] = True  # the price history

    kind: Literal["history"] = "history"
    model_id: str
    model_name: str
    entries: list[HistoryEntry]  # newest first
    more: int
    # Newest first: the team's scores and the leaderboard's moves.
    scores: list[ScoreEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadSetAnswer(AnswerType):
    """The team's default workload set (or unset, `workload` None): used by every question that gives none."""

    kind: Literal["set-workload"] = "set-workload"
    workload: WorkloadView | None
    previous: WorkloadView | None
    unchanged: bool
    actor: Actor


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionAnswer(AnswerType):
    """A channel's alert subscription: what was done to it, and what it is now."""

    kind: Literal["subscription"] = "subscription"
    action: Literal["subscribed", "unsubscribed", "listed", "none"]
    subscription: SubscriptionView | None
    # Followed models already deprecated when subscribing.
    deprecated: list[LifecycleNote] = field(default_factory=list)


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

# The answers whose class says `chart = True`, as a type to dispatch on (bot.render.charts draws each;
# tests/unit/test_answer_types.py keeps the two equal).
Charted = AlternativesAnswer | CompareAnswer | HistoryAnswer


def has_chart(answer: Answer) -> TypeGuard[Charted]:
    """Whether the answer has a chart: a fact of its type (`chart`)."""
    return answer.chart

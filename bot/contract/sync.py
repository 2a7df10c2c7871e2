"""What a sync did, as a typed summary: stored as JSON on its SyncRun (bot.contract.base.as_json),
rendered by bot.render.sync. A feed fills its summary in as it applies (so SyncSummary is not frozen);
the others are frozen like every answer's parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from bot.contract.base import AnswerType

Status = Literal["applied", "unchanged", "rejected", "failed"]


SUCCESS = ("applied", "unchanged")


@dataclass(frozen=True, slots=True, kw_only=True)
class Move:
    """One offering's price move, for the summary: input and output before and after."""

    model: str
    host: str
    offering: str  # "provider/provider_model_id"
    old_input_mtok: Decimal | None
    old_output_mtok: Decimal | None
    new_input_mtok: Decimal | None
    new_output_mtok: Decimal | None
    pct: Decimal | None  # the largest move over all prices, signed; None for a new offering


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreChange:
    """One model's score move in one category, for the summary (old None: its first score)."""

    model: str
    category: str  # the category's label: "overall", "coding", ...
    variant: str = ""  # "" for the model's default; else a thinking or reasoning-effort variant
    old: int | None
    new: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FactMove:
    """One field of the second source's facts for one offering, before and after (None: not given)."""

    offering: str  # "provider:provider_model_id"
    field: str  # a Facts field (input_mtok, deprecation_date, …); "described" when one starts or stops
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnattachedKey:
    """A leaderboard key the sync did not attach to any model, and why."""

    key: str
    reason: str


@dataclass(slots=True, kw_only=True)
class SyncSummary(AnswerType):
    """What a sync did (or, with dry_run, would do). For the quality feed, `changed` and `added` count
    scores (a new score for a model and category, or its first), and the score fields below are set."""

    url: str
    feed: str = "prices"  # a bot.domain.feeds name (summaries stored before there were others: prices)
    status: Status
    dry_run: bool = False
    reason: str | None = None
    changed: int = 0
    added: int = 0
    retired: int = 0
    overridden: int = 0  # an admin's price kept although the feed differs
    held: int = 0  # prices the feed would roll back to, kept (see bot.feeds.price_guards)
    largest_moves: list[Move] = field(default_factory=list)
    overrides: list[Move] = field(default_factory=list)  # old: the admin's price kept; new: the feed's
    added_examples: list[str] = field(default_factory=list)
    retired_examples: list[str] = field(default_factory=list)
    held_examples: list[str] = field(default_factory=list)
    alerts_queued: int = 0
    feed_offerings: int | None = None
    # The quality feed only:
    score_moves: list[ScoreChange] = field(default_factory=list)  # the largest first
    feed_keys: int | None = None  # model keys in the leaderboard's categories that modelcost reads
    mapped_keys: int | None = None  # of which attached to a catalog model
    # Listed, not attached: several models could be meant.
    ambiguous_keys: list[UnattachedKey] = field(default_factory=list)
    unmapped_keys: list[str] = field(default_factory=list)  # listed, not attached: no model of the catalog
    # The cross-check feed only (`changed` and `added` count offerings whose facts changed or are new;
    # feed_keys and mapped_keys count its token-priced models and the curated offerings they describe):
    removed: int = 0  # offerings the file no longer describes (their lifecycle dates stay as they were)
    lifecycle_changed: int = 0  # offerings whose retirement day or input limit moved
    fact_moves: list[FactMove] = field(default_factory=list)
    change_id: int | None = None
    sync_run_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in SUCCESS


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncRunView:
    """One sync attempt, as `sync status` lists it."""

    feed: str = "prices"
    started_at: datetime
    status: str
    reason: str | None
    changed: int
    added: int
    retired: int
    removed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardView:
    """The leaderboard the catalog's scores come from: its source, publish date and age in days."""

    source: str
    published: date
    age_days: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncStatusAnswer(AnswerType):
    """The latest sync attempts, newest first: what the worker's scheduled syncs did, and why; and the
    quality board the scores come from (None: a catalog whose scores have no dated board)."""

    kind: Literal["sync-status"] = "sync-status"
    runs: list[SyncRunView]
    board: BoardView | None = None

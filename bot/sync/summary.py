"""What a sync did, as a typed summary: stored as JSON on its SyncRun, rendered by bot.render.sync."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

Status = Literal["applied", "unchanged", "rejected", "failed"]
SUCCESS = ("applied", "unchanged")


class Move(BaseModel):
    """One offering's price move, for the summary: input and output before and after."""

    model: str
    host: str
    offering: str  # "provider/provider_model_id"
    old_input_mtok: Decimal | None
    old_output_mtok: Decimal | None
    new_input_mtok: Decimal | None
    new_output_mtok: Decimal | None
    pct: Decimal | None  # the largest move over all prices, signed; None for a new offering


class SyncSummary(BaseModel):
    """What a sync did (or, with dry_run, would do)."""

    url: str
    status: Status
    dry_run: bool = False
    reason: str | None = None
    changed: int = 0
    added: int = 0
    retired: int = 0
    overridden: int = 0  # an admin's price kept although the feed differs
    held: int = 0  # prices the feed would roll back to, kept (see bot.sync.guards)
    largest_moves: list[Move] = []
    overrides: list[Move] = []  # old: the admin's price kept; new: the feed's
    added_examples: list[str] = []
    retired_examples: list[str] = []
    held_examples: list[str] = []
    alerts_queued: int = 0
    feed_offerings: int | None = None
    change_id: int | None = None
    sync_run_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in SUCCESS


class SyncRunView(BaseModel):
    started_at: datetime
    status: str
    reason: str | None
    changed: int
    added: int
    retired: int


class SyncStatusAnswer(BaseModel):
    """The latest sync attempts, newest first: what the worker's scheduled syncs did, and why."""

    kind: Literal["sync-status"] = "sync-status"
    runs: list[SyncRunView]

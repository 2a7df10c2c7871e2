"""The App Home's data (bot.read.home): not the answer to a command, so not part of `Answer`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from bot.contract.actor import Actor

HomePrices = dict[str, Decimal | None]  # price key -> USD per 1M tokens
HomeStatus = Literal["active", "broken", "disabled"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelRef:
    """A model by id and name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeSubscription:
    """One channel's subscription: which models (None: every model), from which move, and its state."""

    channel_id: str
    models: list[ModelRef] | None
    min_change_pct: Decimal | None
    status: HomeStatus
    reason: str | None  # why broken or disabled (e.g. the app was uninstalled)
    families: list[str] | None = None  # followed families (data/catalog.toml slugs)
    next_countdown: date | None = None  # the day of the next retirement countdown message, if any
    next_countdown_model: str | None = None  # the model it is about
    digest: str | None = None  # its schedule: "Mondays 09:00 UTC"; None: no digest
    digest_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeChange:
    """One price change the workspace saw: old -> new at a host, and who or which feed made it."""

    at: datetime
    model: ModelRef
    provider_name: str
    old: HomePrices | None  # None: the host's first price of the model
    new: HomePrices
    pct: dict[str, Decimal | None]
    actor: Actor
    own: bool  # the workspace's own admin's (an override), not the shared catalog's


@dataclass(frozen=True, slots=True, kw_only=True)
class HomePrice:
    """A current price the workspace's admins set (in single mode: an admin's price in the catalog)."""

    model: ModelRef
    provider_name: str
    prices: HomePrices
    set_by: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeAlias:
    """A name the workspace's admins added (who added it is not recorded, only when)."""

    alias: str
    model: ModelRef
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeScore:
    """The team's own quality score for a model in a category, in force in this workspace."""

    model: ModelRef
    category_label: str
    score: int
    set_by: Actor
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeAnswer:
    """What the App Home shows a workspace: its subscriptions, latest changes, own prices, names and
    scores."""

    kind: Literal["home"] = "home"
    workspace: str
    subscriptions: list[HomeSubscription]  # active first, then broken, then disabled; by channel
    follows_all: bool  # an active subscription hears about every model
    followed: list[ModelRef]  # the models active subscriptions name (when not all), by name
    changes: list[HomeChange]  # newest first, at most LATEST_CHANGES
    prices: list[HomePrice]
    aliases: list[HomeAlias]
    scores: list[HomeScore]

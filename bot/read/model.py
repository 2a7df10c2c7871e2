"""The catalog in memory, as answers read it: one immutable snapshot per catalog version (and day).

Built in one read of the database (bot.read.builder; bot.read.current decides when), then
shared by every thread of a process without locks: nothing in it changes once built. It holds what
a read answer needs, as plain data (no ORM, and answer objects only where they are few), so that
it is small, quick to load from disk (bot.read.snapfile) and cheap to read:

- models, and per model its live offerings' current prices (the fields of their PriceView, with
  the lifecycle status on the snapshot's day and the LiteLLM second opinion) plus the same prices
  as integers for ranking;
- the name index (ids, aliases, host model ids, families);
- each category's scores with the labelled floors, and the open-weights candidates for
  alternatives pre-sorted by score;
- which models their lab has retired, and which models each host serves (for `list <host>`).

A workload's cost is ranked on integers (micro-dollars times tokens; exact, so the order is the
Decimal order); answer objects are made only for what an answer shows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple  # Any: a PriceView's fields by name, rebuilt when shown

from bot.contract.actor import Actor
from bot.contract.requests import Workload
from bot.contract.views import PriceView, QualityView
from bot.domain.categories import Category
from bot.domain.labprice import Judgement
from bot.domain.nameindex import NameIndex
from bot.domain.prices import PriceData
from bot.domain.workloads import RateCard

if TYPE_CHECKING:  # not loaded by a cold `modelcost ask` (its facts come with the snapshot)
    from bot.domain.crosscheck import Facts, Key


@dataclass(frozen=True)
class ModelFacts:
    id: str
    name: str
    lab: str
    lab_provider_id: str | None
    open_weights: bool | None
    license: str | None
    release_date: date | None
    curated: bool
    successor_id: str | None  # its lab's named replacement, else the catalog's (succession.successors_of)
    # Where a retired model's successors lead: up to the first live one (succession.successor_chain).
    successor_chain: tuple[str, ...] = ()
    # The model its lab now answers its retired id with, billing that model's price (data/lifecycle.toml).
    redirect_id: str | None = None
    lifecycle_source: str | None = None  # the lab's page its lifecycle comes from, when one speaks
    lifecycle_checked: date | None = None
    kind: str = "text"  # text | embedding | image | audio | other: `list` shows text models
    weights_source: str | None = None  # where open_weights came from (bot.domain.evidence)
    context_window: int | None = None  # models.dev's, for hosts that give none


@dataclass(frozen=True)
class Host:
    """One live offering's current, usable price (known input and output, not a free tier)."""

    fields: dict[str, Any]  # the PriceView's, all but the workload cost
    data: PriceData
    row_id: int  # the price row: the newest wins a tie at the lab's API
    retired: bool  # on the snapshot's day (shown, marked; never a cheapest host or an alternative)
    # USD per 1M tokens times 10^6, exact: prices keep at most 6 decimals.
    input_micro: int
    output_micro: int
    cache_micro: int  # the cached-input price, or the input price where the host has none
    # Every price a workload may need, with its source (bot.domain.workloads): tiers, service tiers, ...
    card: RateCard | None = None

    @property
    def provider_id(self) -> str:
        return str(self.fields["provider_id"])

    @property
    def provider_name(self) -> str:
        return str(self.fields["provider_name"])

    def view(self, workload_cost: Decimal | None) -> PriceView:
        """The PriceView, made now."""
        return PriceView(**self.fields, workload_cost=workload_cost)

    def cost_key(self, work: WorkKey) -> int:
        """The workload's cost, scaled by a constant of the workload: compares exactly, costs nothing."""
        fresh, cached, out = work
        return fresh * self.input_micro + cached * self.cache_micro + out * self.output_micro


WorkKey = tuple[int, int, int]  # (fresh input, cached input, output) tokens, scaled to integers


def work_key(work: Workload) -> WorkKey:
    """The workload's token counts as integers, all scaled by the cached share's denominator."""
    num, den = work.cached_share.as_integer_ratio()
    cached = work.input_tokens * num
    return work.input_tokens * den - cached, cached, work.output_tokens * den


_SCALE = Decimal(10**12)  # Host's integer prices are USD per token times 10^12


_EXACT = 10**28  # below this, a key has fewer digits than Decimal's precision: scaling it is exact
_WHOLE_TENS = 10**13  # a key that is a multiple of this is whole tens of dollars: normalize gives 1E+1


def usd(cost_key: int, den: int) -> Decimal:
    """A workload's cost in USD from `Host.cost_key` (work_key's workload, `den` its cached share's
    denominator): the Decimal bot.domain.prices.workload_cost gives, worked out from the integer."""
    if den == 1 and cost_key < _EXACT and cost_key % _WHOLE_TENS:
        # The same Decimal without the division and the trip through a string: no cached share, and
        # no exponent above zero for the string to take away.
        return Decimal(cost_key).scaleb(-12).normalize()
    return Decimal(format((Decimal(cost_key) / den / _SCALE).normalize(), "f"))


class Rating(NamedTuple):
    """A model's score in one category: QualityView's fields but the category's, plain (thousands of
    them load from disk in a blink)."""

    score: int
    low: int | None
    high: int | None
    source: str
    as_of: date
    team: bool
    set_by: Actor | None
    floor_from: str | None
    floor_from_id: str | None
    variant: str | None

    @classmethod
    def of(cls, q: QualityView) -> Rating:
        return cls(
            q.score,
            q.low,
            q.high,
            q.source,
            q.as_of,
            q.team,
            q.set_by,
            q.floor_from,
            q.floor_from_id,
            q.variant,
        )

    def view(self, category: Category) -> QualityView:
        return QualityView(**self._asdict(), category=category.name, category_label=category.label)


@dataclass(frozen=True)
class Candidate:
    """An open-weights model with its own score in a category, as alternatives consider it."""

    model_id: str
    rating: Rating
    # (input, cached input, output) prices of its live hosts, as Host's integers; only those that may
    # be the cheapest for some workload (a host dearer on every price than another never is).
    prices: tuple[tuple[int, int, int], ...]

    def cheapest(self, work: WorkKey) -> int:
        fresh, cached, out = work
        least = -1
        for i, c, o in self.prices:  # a plain loop: most have one or two (a comprehension is a call)
            cost = fresh * i + cached * c + out * o
            if least < 0 or cost < least:
                least = cost
        return least


def frontier(hosts: Iterable[Host]) -> tuple[tuple[int, int, int], ...]:
    """The hosts' prices that no other host's beat or equal on all three (Pareto-minimal)."""
    prices = sorted({(h.input_micro, h.cache_micro, h.output_micro) for h in hosts})
    kept: list[tuple[int, int, int]] = []
    for p in prices:
        if not any(k[0] <= p[0] and k[1] <= p[1] and k[2] <= p[2] for k in kept):
            kept.append(p)
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class Slot:
    """One offering of a model as the shared snapshot saw it: what a workspace's own price there is
    made into a Host with (its OfferingFacts), and the shared price's Host (None: retired from the
    feed, or no usable price)."""

    id: int
    provider_id: str
    provider_model_id: str
    deprecated: bool
    retires_on: date | None
    context_window: int | None
    max_input_tokens: int | None
    retired: bool  # gone from the feed (`retired_at`): shown only where a workspace prices it
    host: Host | None


@dataclass(frozen=True)
class Layering:
    """What the shared snapshot keeps so that a workspace's view is its own rows layered over it
    (bot.read.layered) instead of a snapshot of its own: each model's offerings in the build's order,
    LiteLLM's facts as read, and each model's predecessors (for scores' floors)."""

    slots: dict[str, tuple[Slot, ...]]  # model id -> its offerings, by offering id
    facts: Mapping[Key, Facts]
    lines: Mapping[str, tuple[str, ...]]

    @functools.cached_property
    def after(self) -> dict[str, tuple[str, ...]]:
        """Model id -> the models it is a predecessor of (whose floor its score may be)."""
        out: dict[str, list[str]] = {}
        for model_id, line in self.lines.items():
            for before in line:
                out.setdefault(before, []).append(model_id)
        return {m: tuple(after) for m, after in out.items()}

    @functools.cached_property
    def model_of(self) -> dict[int, str]:
        """Offering id -> its model's id (worked out on a workspace's first price, then kept)."""
        return {s.id: m for m, slots in self.slots.items() for s in slots}


@dataclass(frozen=True)
class ReadModel:
    version: tuple[object, ...]
    workspace: str  # whose view: SHARED, or a workspace's (bot.domain.workspaces)
    on: date  # lifecycle statuses are as of this day
    models: dict[str, ModelFacts]
    order: tuple[str, ...]  # model ids by (lab, name): the order of `list`
    hosts: dict[str, tuple[Host, ...]]  # model id -> usable offerings, by offering id
    index: NameIndex
    quality: dict[str, dict[str, Rating]]  # category -> model id -> score (its own, else a floor)
    candidates: dict[str, tuple[Candidate, ...]]  # category -> open-weights models, best score first
    retired_models: frozenset[str]  # every offering at the model's lab API is retired
    served_by: dict[str, frozenset[str]]  # provider id -> models with an offering there, any
    provider_names: dict[str, str]  # provider id -> upstream's name
    imported: frozenset[tuple[str, str]]
    # The team's default workload (`set workload …`), for questions that give none; None: 10M in + 2M out.
    default_workload: Workload | None = None
    # What bot.domain.labprice judged of each row at a lab's API that is not plainly the lab's own price.
    lab_rows: dict[tuple[str, str], Judgement] = field(default_factory=dict)
    imported_hosts: dict[str, tuple[Host, ...]] = field(default_factory=dict)  # model id -> rows set aside
    # The shared snapshot's inputs to workspaces' views (None in a workspace's view, or one from disk).
    layering: Layering | None = field(default=None, compare=False, repr=False)
    # A workspace's view: the shared snapshot it is laid over (bot.read.layered), whose entries it shares.
    under: ReadModel | None = field(default=None, compare=False, repr=False)

"""Writing the catalog: every price change is a new dated row in `prices` under one `Change`.

Callers own the transaction (bot.db.transaction): a seed, an admin command or a sync is
written whole or not at all.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol  # Any: _current selects an entity or a table

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.contract.actor import Actor, ActorKind
from bot.domain.hosts import display_name
from bot.domain.prices import (
    KEYS,
    OFFPEAK_KEYS,
    PRICE_KEYS,
    OfferingData,
    OffPeak,
    PriceData,
    clean,
    extras_from_json,
    extras_json,
    offpeak_columns,
    pct_change,
)
from bot.domain.workspaces import SHARED
from bot.store.tables import Change, Model, Offering, Price, Provider, utcnow


@dataclass(frozen=True)
class PriceMove:
    """An offering's price before and after a change (old is None for a new offering)."""

    offering_id: int
    provider_id: str
    provider_name: str
    provider_model_id: str
    model_id: str | None
    model_name: str
    old: PriceData | None
    new: PriceData

    def pct(self, key: str) -> Decimal | None:
        return pct_change(getattr(self.old, key, None), getattr(self.new, key))

    def largest_pct(self) -> Decimal:
        moves = [abs(p) for k in PRICE_KEYS if (p := self.pct(k)) is not None]
        return max(moves, default=Decimal(0))


@dataclass
class UpstreamResult:
    changed: list[PriceMove] = field(default_factory=list)
    added: list[PriceMove] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # "provider/model"
    overridden: list[tuple[PriceMove, PriceData]] = field(default_factory=list)  # admin price kept, feed's


def new_change(session: Session, kind: str, actor: Actor, workspace: str = SHARED) -> Change:
    """A change set, the shared catalog's or one workspace's (an admin's edit there)."""
    # The column holds 200 characters: a very long feed URL is cut rather than failing the sync.
    change = Change(
        kind=kind, actor_kind=actor.kind, actor_id=actor.id[:200], created_at=utcnow(), workspace=workspace
    )
    session.add(change)
    session.flush()
    return change


class StoredPrice(Protocol):
    """What is read of a price row: a Price, or a plain row of the prices table (current_price_rows)."""

    @property
    def id(self) -> int: ...
    @property
    def offering_id(self) -> int: ...
    @property
    def input_mtok(self) -> Decimal | None: ...
    @property
    def output_mtok(self) -> Decimal | None: ...
    @property
    def offpeak_window(self) -> str | None: ...
    @property
    def extra_prices(self) -> dict[str, str] | None: ...
    @property
    def effective_on(self) -> date | None: ...
    @property
    def source_kind(self) -> ActorKind: ...
    @property
    def source_id(self) -> str: ...
    @property
    def recorded_at(self) -> datetime: ...
    @property
    def workspace(self) -> str: ...


def source_of(row: StoredPrice) -> Actor:
    """Who made the price (Price.source, for any StoredPrice)."""
    return Actor(kind=row.source_kind, id=row.source_id)


def price_data(row: StoredPrice) -> PriceData:
    offpeak = None
    if row.offpeak_window:
        off = {k.name: clean(getattr(row, k.offpeak_name)) for k in OFFPEAK_KEYS}
        offpeak = OffPeak(row.offpeak_window, **off)
    return PriceData(
        **{k.name: clean(getattr(row, k.name)) for k in KEYS},
        offpeak=offpeak,
        extra=extras_from_json(row.extra_prices),
    )


def current_prices(
    session: Session, offering_ids: Iterable[int] | None = None, workspace: str = SHARED
) -> dict[int, Price]:
    """The current price row of each offering (all offerings, or those given) as a workspace sees it:
    its own newest row where it set one (an override the feeds never replace), else the shared
    catalog's newest. SHARED sees the shared rows only."""
    return {row.offering_id: row for row in session.scalars(_current(Price, offering_ids, workspace))}


def current_price_rows(session: Session, workspace: str = SHARED) -> dict[int, StoredPrice]:
    """current_prices of every offering as plain rows, read-only: a read model's build reads them all,
    and ORM objects cost it more than the reading."""
    return {row.offering_id: row for row in session.execute(_current(Price.__table__, None, workspace))}


def _current(what: Any, offering_ids: Iterable[int] | None, workspace: str) -> Select[Any]:
    """Select `what` (Price, or its columns) of the current rows: for each offering the workspace's
    newest where it has one, else the shared newest."""
    ids = None if offering_ids is None else list(offering_ids)
    newest = select(func.max(Price.id)).where(Price.workspace.in_(sorted({SHARED, workspace})))
    newest = newest.group_by(Price.offering_id, Price.workspace)
    if ids is not None:
        newest = newest.where(Price.offering_id.in_(ids))
    # Shared rows first, the workspace's after: the dict keeps the last row of each offering.
    return select(what).where(Price.id.in_(newest)).order_by(Price.workspace != SHARED)


def record_price(
    session: Session,
    offering: Offering,
    price: PriceData,
    change: Change,
    at: datetime | None = None,
    since: date | None = None,
) -> Price:
    """A new price row for the offering, made by the change's actor; `since`: the day it took effect,
    where the source says."""
    row = Price(
        offering_id=offering.id,
        change_id=change.id,
        **price.values(),
        **offpeak_columns(price.offpeak),
        offpeak_window=price.offpeak.window if price.offpeak else None,
        extra_prices=extras_json(price.extra),
        source_kind=change.actor_kind,
        source_id=change.actor_id,
        workspace=change.workspace,
        recorded_at=at or change.created_at,
        effective_on=since,
    )
    session.add(row)
    return row


def apply_upstream(
    session: Session,
    offerings: list[OfferingData],
    change: Change,
    *,
    retire_missing: bool,
    other_hosts: Collection[str] = (),
) -> UpstreamResult:
    """Diff upstream offerings against the catalog and write only what changed, as `change`'s actor.

    New hosts and offerings are added; changed prices get a new row; an admin's price is kept and
    reported as overridden; offerings gone from upstream are marked retired (never deleted), except at
    `other_hosts`, whose offerings another source keeps (bot.feeds.labapis).
    """
    result = UpstreamResult()
    providers = {p.id: p for p in session.scalars(select(Provider))}
    existing = {(o.provider_id, o.provider_model_id): o for o in session.scalars(select(Offering))}
    prices = current_prices(session)
    model_names = dict(session.execute(select(Model.id, Model.name)).all())
    seen: set[tuple[str, str]] = set()
    new_rows: list[tuple[Offering, OfferingData]] = []
    for data in offerings:
        key = (data.provider_id, data.provider_model_id)
        if key in seen:
            continue
        seen.add(key)
        if data.provider_id not in providers:
            providers[data.provider_id] = Provider(id=data.provider_id, name=data.provider_name, is_lab=False)
            session.add(providers[data.provider_id])
        offering = existing.get(key)
        if offering is None:
            offering = Offering(
                provider_id=data.provider_id,
                provider_model_id=data.provider_model_id,
                name=data.name,
                context_window=data.context_window,
                deprecated=data.deprecated,
            )
            session.add(offering)
            new_rows.append((offering, data))
            continue
        if offering.retired_at is not None:
            offering.retired_at = None
        if data.context_window and offering.context_window != data.context_window:
            offering.context_window = data.context_window
        if data.name and offering.name != data.name:
            offering.name = data.name
        if offering.deprecated != data.deprecated:
            offering.deprecated = data.deprecated
        row = prices.get(offering.id)
        old = price_data(row) if row else None
        if old is not None and old.same_as(data.price):
            continue
        unrecorded = row is not None and row.extra_prices is None
        if unrecorded and old is not None and old.same_as(_bare(data.price)):
            # A row recorded before extra prices were kept (migration 0013), with the same standard
            # prices: its extras were never recorded rather than changed. Filled in, not a price change.
            assert row is not None
            row.extra_prices = extras_json(data.price.extra)
            continue
        move = _move(offering, providers, model_names, old, data.price)
        if row is not None and row.source_kind == "admin":
            result.overridden.append((move, data.price))
            continue
        record_price(session, offering, data.price, change, since=data.since)
        result.changed.append(move)
    session.flush()
    for offering, data in new_rows:
        record_price(session, offering, data.price, change, since=data.since)
        result.added.append(_move(offering, providers, model_names, None, data.price))
    if retire_missing:
        for key, offering in existing.items():
            row = prices.get(offering.id)
            admin_made = row is not None and row.source_kind == "admin"
            if (
                key not in seen
                and offering.retired_at is None
                and not admin_made
                and key[0] not in other_hosts
            ):
                offering.retired_at = change.created_at
                result.retired.append(f"{key[0]}/{key[1]}")
    session.flush()
    return result


def _bare(price: PriceData) -> PriceData:
    return replace(price, extra=())


def relinked(session: Session, moves: list[PriceMove]) -> list[PriceMove]:
    """The moves with each offering's current model (after apply_overlay linked new offerings)."""
    ids = [m.offering_id for m in moves if m.model_id is None]
    if not ids:
        return moves
    links = dict(
        session.execute(
            select(Offering.id, Model.id)
            .join(Model, Offering.model_id == Model.id)
            .where(Offering.id.in_(ids))
        ).all()
    )
    names = dict(session.execute(select(Model.id, Model.name).where(Model.id.in_(set(links.values())))).all())
    return [
        replace(m, model_id=links[m.offering_id], model_name=names[links[m.offering_id]])
        if m.model_id is None and m.offering_id in links
        else m
        for m in moves
    ]


def _move(
    offering: Offering,
    providers: dict[str, Provider],
    model_names: dict[str, str],
    old: PriceData | None,
    new: PriceData,
) -> PriceMove:
    name = model_names.get(offering.model_id or "", offering.name or offering.provider_model_id)
    return PriceMove(
        offering.id,
        offering.provider_id,
        display_name(offering.provider_id, providers[offering.provider_id].name),
        offering.provider_model_id,
        offering.model_id,
        name,
        old,
        new,
    )

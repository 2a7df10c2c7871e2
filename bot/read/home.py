"""What a workspace's App Home shows, as data: its channels' subscriptions, the latest price changes
of the models they follow, and its own overrides (prices, aliases, team scores) with who set them.

Read in a read-only session. A workspace sees the shared catalog's changes and its own, never
another workspace's (the rule of bot.read.history.history: its own change is from the price it saw,
its previous own one, else the shared one of the time). The bundled snapshot's prices are where the
catalog starts, not changes, so they are not listed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot import db
from bot.contract.home import (
    HomeAlias,
    HomeAnswer,
    HomeChange,
    HomePrice,
    HomeScore,
    HomeStatus,
    HomeSubscription,
    ModelRef,
)
from bot.domain.categories import CATEGORIES
from bot.domain.countdowns import next_countdown
from bot.domain.prices import DEFAULT_WORKLOAD, PRICE_KEYS, pct_change
from bot.domain.scores import TEAM
from bot.domain.workspaces import SHARED
from bot.read import current
from bot.read.lifecycle import standings
from bot.read.model import ReadModel
from bot.store.prices import price_data
from bot.store.scores import newest_rows
from bot.store.subscriptions import family_members, followed, schedule_text
from bot.store.tables import Alias, Change, Model, Offering, Price, Provider, Subscription

LATEST_CHANGES = 10
UNSUBSCRIBED = "unsubscribed"  # bot.store.subscriptions' reason for a channel that asked to stop
STATUS_ORDER: dict[HomeStatus, int] = {"active": 0, "broken": 1, "disabled": 2}


def home(engine: Engine, workspace: str = SHARED) -> HomeAnswer:
    """The workspace's App Home as data, read in a read-only session."""
    catalog = current.current(engine, workspace)
    with db.read_only(engine) as session:
        return gather(session, workspace, catalog)


def gather(session: Session, workspace: str = SHARED, catalog: ReadModel | None = None) -> HomeAnswer:
    """`catalog`: the read model whose lifecycle statuses give each subscription's next countdown."""
    subs = subscriptions(session, workspace, catalog)
    active = [s for s in subs if s.status == "active"]
    follows_all = any(s.models is None for s in active)
    followed = {m.id: m for s in active for m in s.models or []}
    followed_ids = None if follows_all else sorted(followed)
    return HomeAnswer(
        workspace=workspace,
        subscriptions=subs,
        follows_all=follows_all,
        followed=[] if follows_all else sorted(followed.values(), key=lambda m: (m.name.lower(), m.id)),
        changes=latest_changes(session, workspace, followed_ids),
        prices=own_prices(session, workspace),
        aliases=own_aliases(session, workspace),
        scores=own_scores(session, workspace),
    )


def subscriptions(
    session: Session, workspace: str, catalog: ReadModel | None = None
) -> list[HomeSubscription]:
    """The workspace's subscriptions, but not those of channels that unsubscribed; with the day of each
    one's next retirement countdown when `catalog` is given."""
    rows = session.scalars(select(Subscription).where(Subscription.workspace == workspace)).all()
    names = _names(session, {i for s in rows for i in s.model_ids or []})
    families = family_members()
    out = []
    for s in rows:
        if s.status == "disabled" and s.status_reason == UNSUBSCRIBED:
            continue
        countdown = _next_countdown(catalog, followed(s, families)) if catalog is not None else None
        out.append(
            HomeSubscription(
                channel_id=s.channel_id,
                models=None
                if s.model_ids is None and not s.families
                else [_ref(i, names) for i in s.model_ids or []],
                min_change_pct=s.min_change_pct,
                status=_status(s.status),
                reason=s.status_reason,
                families=s.families,
                next_countdown=countdown[0] if countdown else None,
                next_countdown_model=countdown[1] if countdown else None,
                digest=schedule_text(s) if s.digest else None,
                digest_only=s.digest_only,
            )
        )
    return sorted(out, key=lambda s: (STATUS_ORDER[s.status], s.channel_id))


def _next_countdown(catalog: ReadModel, ids: list[str] | None) -> tuple[date, str] | None:
    """The next countdown message due among these models (None: every model, which gets none)."""
    if not ids:
        return None
    found = [
        (day, s.name)
        for s in standings(catalog, ids, DEFAULT_WORKLOAD).values()
        if s.status == "deprecated" and (day := next_countdown(s.retires_on, catalog.on)) is not None
    ]
    return min(found, default=None)


def latest_changes(
    session: Session, workspace: str, model_ids: list[str] | None, limit: int = LATEST_CHANGES
) -> list[HomeChange]:
    """The newest price changes of these models (None: every model) the workspace saw, newest first."""
    if model_ids == []:
        return []
    query = (
        select(Price, Model.id, Model.name, Provider.name)
        .join(Offering, Price.offering_id == Offering.id)
        .join(Provider, Offering.provider_id == Provider.id)
        .join(Model, Offering.model_id == Model.id)
        .where(Price.workspace.in_(sorted({SHARED, workspace})), Price.source_kind != "snapshot")
        .order_by(Price.recorded_at.desc(), Price.id.desc())
        .limit(limit)
    )
    if model_ids is not None:
        query = query.where(Offering.model_id.in_(model_ids))
    out = []
    for row, model_id, model_name, provider_name in session.execute(query).all():
        before = _previous(session, row)
        old = price_data(before) if before is not None else None
        new = price_data(row)
        out.append(
            HomeChange(
                at=row.recorded_at,
                model=ModelRef(id=model_id, name=model_name),
                provider_name=provider_name,
                old=old.values() if old else None,
                new=new.values(),
                pct={k: pct_change(getattr(old, k, None), getattr(new, k)) for k in PRICE_KEYS},
                actor=row.source,
                own=row.workspace != SHARED,
            )
        )
    return out


def _previous(session: Session, row: Price) -> Price | None:
    """The price the workspace saw before this row: its own previous one, else the shared one then."""
    owners = [row.workspace] if row.workspace == SHARED else [row.workspace, SHARED]
    for owner in owners:
        before = session.scalar(
            select(Price)
            .where(Price.offering_id == row.offering_id, Price.workspace == owner, Price.id < row.id)
            .order_by(Price.id.desc())
            .limit(1)
        )
        if before is not None:
            return before
    return None


def own_prices(session: Session, workspace: str) -> list[HomePrice]:
    """The workspace's own current prices: its newest row of each offering it set (in the shared
    catalog, an admin's price that is still current)."""
    newest = (
        select(func.max(Price.id)).where(Price.workspace == workspace).group_by(Price.offering_id)
    ).scalar_subquery()
    rows = session.execute(
        select(Price, Model.id, Model.name, Provider.name)
        .join(Offering, Price.offering_id == Offering.id)
        .join(Provider, Offering.provider_id == Provider.id)
        .join(Model, Offering.model_id == Model.id)
        .where(Price.id.in_(newest), Price.source_kind == "admin")
    ).all()
    out = [
        HomePrice(
            model=ModelRef(id=model_id, name=model_name),
            provider_name=provider_name,
            prices=price_data(row).values(),
            set_by=row.source,
            at=row.recorded_at,
        )
        for row, model_id, model_name, provider_name in rows
    ]
    return sorted(out, key=lambda p: (p.model.name.lower(), p.provider_name.lower()))


def own_aliases(session: Session, workspace: str) -> list[HomeAlias]:
    rows = session.execute(
        select(Alias, Model.name)
        .join(Model, Alias.model_id == Model.id)
        .where(Alias.workspace == workspace, Alias.source == "admin")
        .order_by(Alias.name)
    ).all()
    return [
        HomeAlias(alias=a.name, model=ModelRef(id=a.model_id, name=name), at=a.created_at) for a, name in rows
    ]


def own_scores(session: Session, workspace: str) -> list[HomeScore]:
    """The team's scores in force in the workspace (its own rows; an `unset` leaves none)."""
    rows = [
        r
        for (_, _, variant, origin), r in newest_rows(session, workspace=workspace).items()
        if origin == TEAM and variant == "" and r.workspace == workspace and r.score is not None
    ]
    changes = session.scalars(select(Change).where(Change.id.in_({r.change_id for r in rows}))).all()
    actors = {c.id: c.actor for c in changes}
    names = _names(session, {r.model_id for r in rows})
    labels = {c.name: c.label for c in CATEGORIES}
    out = [
        HomeScore(
            model=_ref(r.model_id, names),
            category_label=labels.get(r.category, r.category),
            score=r.score,
            set_by=actors[r.change_id],
            at=r.recorded_at,
        )
        for r in rows
        if r.score is not None
    ]
    return sorted(out, key=lambda s: (s.model.name.lower(), s.category_label))


def _status(status: str) -> HomeStatus:
    match status:
        case "active" | "broken" | "disabled":
            return status
        case _:
            return "disabled"  # not a state the worker posts to


def _names(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(select(Model.id, Model.name).where(Model.id.in_(sorted(ids))))
    return {model_id: name for model_id, name in rows}


def _ref(model_id: str, names: dict[str, str]) -> ModelRef:
    return ModelRef(id=model_id, name=names.get(model_id, model_id))

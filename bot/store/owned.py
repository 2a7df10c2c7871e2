"""A workspace's own rows, as its view layers them over the shared read model (bot.read.layered): its
newest price of each offering it prices, its names, its team's newest score rows, its default workload,
and who made its changes. Read in one read-only session, with the workspace's own version read first
(so the rows are at least that new; a change in between only causes one needless reload)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.store.tables import Alias, Change, Price, Score, TeamWorkload

_OWN_VERSION_SQL = text(
    "SELECT (SELECT max(id) FROM changes WHERE workspace = :w),"
    " (SELECT count(*) FROM changes WHERE workspace = :w),"
    " (SELECT count(*) FROM aliases WHERE workspace = :w),"
    " (SELECT max(created_at) FROM aliases WHERE workspace = :w)"
)


def own_version(conn: Connection, workspace: str) -> tuple[object, ...]:
    """A workspace's own version, as bot.store.version.workspaces_with_rows gives it."""
    return tuple(conn.execute(_OWN_VERSION_SQL, {"w": workspace}).one())


@dataclass(frozen=True)
class OwnRows:
    """A workspace's own rows. The ORM rows are detached: read, never written."""

    workspace: str
    version: tuple[object, ...]
    prices: dict[int, Price]  # offering id -> the workspace's newest price there
    aliases: tuple[tuple[str, str], ...]  # (name, model id)
    scores: dict[tuple[str, str, str, str], Score]  # (model, category, variant, origin) -> newest row
    actors: dict[int, Actor]  # change id -> who made it (a team score says who set it)
    workload: tuple[bool, str | None]  # whether it set a default workload, and the one in force (None: unset)

    @property
    def empty(self) -> bool:
        return not (self.prices or self.aliases or self.scores or self.workload[0])


def own_rows(session: Session, workspace: str) -> OwnRows:
    """The workspace's own rows as they stand now."""
    version = own_version(session.connection(), workspace)
    newest = select(func.max(Price.id)).where(Price.workspace == workspace).group_by(Price.offering_id)
    prices = {row.offering_id: row for row in session.scalars(select(Price).where(Price.id.in_(newest)))}
    aliases = tuple(
        (name, model_id)
        for name, model_id in session.execute(
            select(Alias.name, Alias.model_id).where(Alias.workspace == workspace)
        )
    )
    scores = {
        (r.model_id, r.category, r.variant, r.origin): r
        for r in session.scalars(select(Score).where(Score.workspace == workspace).order_by(Score.id))
    }
    team = {r.change_id for r in scores.values()}
    actors = (
        {c.id: c.actor for c in session.scalars(select(Change).where(Change.id.in_(team)))} if team else {}
    )
    workload = session.scalars(
        select(TeamWorkload)
        .where(TeamWorkload.workspace == workspace)
        .order_by(TeamWorkload.id.desc())
        .limit(1)
    ).first()
    for row in [*prices.values(), *scores.values()]:
        session.expunge(row)  # kept past the session: its loaded columns stay readable
    return OwnRows(
        workspace=workspace,
        version=version,
        prices=prices,
        aliases=aliases,
        scores=scores,
        actors=actors,
        workload=(workload is not None, workload.spec if workload is not None else None),
    )

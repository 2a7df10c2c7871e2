"""What changed for a channel within a digest's period, from the catalog's dated rows (bot.domain.digests
has the rules): price moves and score moves between the period's start and end (a price that moved and
moved back is no move), models first priced in the period, and what the channel was already alerted of.
Read-only; bot.alerts.digests queues the digest and moves the subscription's period on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any  # Any: alert payloads are JSON

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.workspaces import SHARED
from bot.store.prices import PriceMove, price_data
from bot.store.tables import Alert, Change, Model, Offering, Price, Provider, Score


def price_moves(
    session: Session, workspace: str, model_ids: list[str] | None, start: datetime, end: datetime
) -> list[PriceMove]:
    """Each offering of these models (None: every model) whose price the workspace sees differs
    between `start` and `end` (for an offering first priced in the period: its first price and `end`)."""
    owners = sorted({SHARED, workspace})
    touched = select(Price.offering_id).where(
        Price.recorded_at > start,
        Price.recorded_at <= end,
        Price.workspace.in_(owners),
        Price.source_kind != "snapshot",
    )
    query = (
        select(Price, Offering, Model.name, Provider.name)
        .join(Offering, Price.offering_id == Offering.id)
        .join(Model, Offering.model_id == Model.id)
        .join(Provider, Offering.provider_id == Provider.id)
        .where(
            Price.offering_id.in_(touched),
            Price.recorded_at <= end,
            Price.workspace.in_(owners),
        )
        .order_by(Price.offering_id, Price.id)
    )
    if model_ids is not None:
        query = query.where(Offering.model_id.in_(model_ids))
    before: dict[int, Price] = {}
    after: dict[int, tuple[Price, Offering, str, str]] = {}
    for row, offering, model_name, provider_name in session.execute(query).all():
        # A workspace's own price stands over the shared one from when it was set (its override).
        # Where the period starts: the price then, else the offering's first (a new offering's first
        # price is not a move; the bundled snapshot's prices are where the catalog starts).
        held = before.get(row.offering_id)
        if held is None or (
            (row.recorded_at <= start or row.source_kind == "snapshot")
            and (row.workspace != SHARED or held.workspace == SHARED)
        ):
            before[row.offering_id] = row
        prior = after.get(row.offering_id)
        if prior is None or row.workspace != SHARED or prior[0].workspace == SHARED:
            after[row.offering_id] = (row, offering, model_name, provider_name)
    moves = []
    for offering_id, (row, offering, model_name, provider_name) in sorted(after.items()):
        old = before[offering_id]
        old_data, new_data = price_data(old), price_data(row)
        if old_data.same_as(new_data):
            continue  # moved and moved back within the period: no change
        moves.append(
            PriceMove(
                offering_id,
                offering.provider_id,
                provider_name,
                offering.provider_model_id,
                offering.model_id,
                model_name,
                old_data,
                new_data,
            )
        )
    return moves


@dataclass(frozen=True)
class ScoreChange:
    model_id: str
    model_name: str
    category: str
    old: int | None
    new: int | None
    team: bool  # the team's own score, not the leaderboard's


def score_moves(
    session: Session, workspace: str, model_ids: list[str] | None, start: datetime, end: datetime
) -> list[ScoreChange]:
    """Default-variant scores (the leaderboard's, and the team's in this workspace) that differ between
    `start` and `end`."""
    owners = sorted({SHARED, workspace})
    touched = (
        select(Score.model_id)
        .join(Change, Score.change_id == Change.id)
        .where(
            Score.recorded_at > start,
            Score.recorded_at <= end,
            Score.workspace.in_(owners),
            Score.variant == "",
            Change.actor_kind != "snapshot",
        )
    )
    query = (
        select(
            Score.model_id,
            Model.name,
            Score.category,
            Score.origin,
            Score.score,
            Score.recorded_at,
            Change.actor_kind,
        )
        .join(Model, Score.model_id == Model.id)
        .join(Change, Score.change_id == Change.id)
        .where(
            Score.model_id.in_(touched),
            Score.recorded_at <= end,
            Score.workspace.in_(owners),
            Score.variant == "",
        )
        .order_by(Score.id)
    )
    if model_ids is not None:
        query = query.where(Score.model_id.in_(model_ids))
    names: dict[str, str] = {}
    then: dict[tuple[str, str, str], int | None] = {}
    now: dict[tuple[str, str, str], int | None] = {}
    for model_id, name, category, origin, score, recorded_at, actor_kind in session.execute(query).all():
        names[model_id] = name
        key = (model_id, category, origin)
        if recorded_at <= start or actor_kind == "snapshot":  # the bundled snapshot: where it starts
            then[key] = score
        now[key] = score
    return [
        ScoreChange(m, names[m], c, then.get((m, c, o)), new, o == "team")
        for (m, c, o), new in sorted(now.items())
        if then.get((m, c, o)) != new
    ]


def first_priced(
    session: Session, model_ids: list[str], start: datetime, end: datetime
) -> list[tuple[str, str]]:
    """(id, name) of these models first priced in the period, by a feed or an admin: a model the
    bundled snapshot prices is where the catalog starts, never new."""
    if not model_ids:
        return []
    firsts: dict[str, datetime] = {}
    names: dict[str, str] = {}
    seeded: set[str] = set()
    rows = session.execute(
        select(Offering.model_id, Model.name, Price.recorded_at, Price.source_kind)
        .join(Offering, Price.offering_id == Offering.id)
        .join(Model, Offering.model_id == Model.id)
        .where(Offering.model_id.in_(model_ids), Price.workspace == SHARED)
    )
    for model_id, name, at, source_kind in rows:
        if model_id is None:
            continue
        names[model_id] = name
        if source_kind == "snapshot":
            seeded.add(model_id)
        if model_id not in firsts or at < firsts[model_id]:
            firsts[model_id] = at
    return sorted((m, names[m]) for m, at in firsts.items() if m not in seeded and start < at <= end)


def told(session: Session, subscription_id: int, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The payloads of the alerts this channel was sent (or will be) that were queued in the period."""
    rows = session.scalars(
        select(Alert.payload).where(
            Alert.subscription_id == subscription_id,
            Alert.status.in_(("pending", "sending", "sent")),
            Alert.created_at > start,
            Alert.created_at <= end,
        )
    )
    return list(rows)


def alerted_keys(payloads: list[dict[str, Any]]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """From alerts' payloads: (model, host) pairs of price moves, (model, category) of score moves."""
    prices: set[tuple[str, str]] = set()
    scores: set[tuple[str, str]] = set()
    for payload in payloads:
        for m in payload.get("moves", []):
            prices.add((m["model_id"], m["provider_id"]))
        for m in payload.get("score_moves", []):
            scores.add((m["model_id"], m["category"]))
    return prices, scores

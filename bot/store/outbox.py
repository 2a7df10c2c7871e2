"""The outbox: alerts are rows written in the same transaction as the change they announce (prices, or
quality scores that moved by ALERT_MOVE or more), one digest per subscribed channel per change, so a
change is never announced twice nor lost."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any  # Any: the alert payload is JSON

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.categories import find_category
from bot.domain.prices import PRICE_KEYS, PriceData, plain
from bot.domain.scores import ALERT_MOVE, TEAM, ScoreMove
from bot.domain.workspaces import SHARED
from bot.store.prices import PriceMove
from bot.store.subscriptions import follows
from bot.store.tables import Alert, Change, Price, Score, Subscription, utcnow


def queue_alerts(
    session: Session, change: Change, moves: Sequence[PriceMove], *, scores: Sequence[ScoreMove] = ()
) -> int:
    """Queue one digest per active subscription that wants any of these price or score moves;
    returns how many."""
    scores = [m for m in scores if alerting(m)]
    if not moves and not scores:
        return 0
    queued = 0
    # A broken subscription (deliveries failing) still gets alerts: the first one delivered mends it.
    subs = select(Subscription).where(Subscription.status.in_(("active", "broken")))
    if change.workspace != SHARED:
        subs = subs.where(Subscription.workspace == change.workspace)  # a workspace's edit is its own news
    own = _overridden(session, change, moves)
    team_scored = _team_scored(session, scores)
    for sub in session.scalars(subs.order_by(Subscription.id)):
        if sub.digest_only:  # `alerts digest-only`: its digest tells these (bot.alerts.digests)
            continue
        wanted = [m for m in moves if wants(sub, m) and (sub.workspace, m.offering_id) not in own]
        # A move hidden behind a team's own score is no news where that score is seen.
        wanted_scores = [m for m in scores if follows(sub, m.model_id) and not team_scored(sub.workspace, m)]
        if not wanted and not wanted_scores:
            continue
        session.add(
            Alert(
                change_id=change.id,
                subscription_id=sub.id,
                channel_id=sub.channel_id,
                workspace=sub.workspace,
                payload=digest_payload(change, wanted, wanted_scores),
                status="pending",
                next_attempt_at=utcnow(),
                created_at=utcnow(),
            )
        )
        queued += 1
    session.flush()
    return queued


def _overridden(session: Session, change: Change, moves: Sequence[PriceMove]) -> set[tuple[str, int]]:
    """(workspace, offering) pairs where a shared change doesn't move what the workspace sees: it set
    its own price there, which the shared catalog's changes never replace."""
    if change.workspace != SHARED or not moves:
        return set()
    ids = {m.offering_id for m in moves}
    rows = session.execute(
        select(Price.workspace, Price.offering_id)
        .where(Price.workspace != SHARED, Price.offering_id.in_(ids))
        .distinct()
    )
    return {(w, o) for w, o in rows}


def _team_scored(session: Session, scores: Sequence[ScoreMove]) -> Callable[[str, ScoreMove], bool]:
    """Whether a workspace sees a team's own score where a move is, instead of the source's: its own
    newest team row (for the model's default variant in that category) if it has any, else the shared
    catalog's (bot.store.scores.newest_rows); a row with a score is the team's, one without an unset."""
    if not scores:
        return lambda workspace, move: False
    newest: dict[tuple[str, str, str], int | None] = {}
    rows = session.execute(
        select(Score.workspace, Score.model_id, Score.category, Score.score)
        .where(
            Score.origin == TEAM,
            Score.variant == "",
            Score.model_id.in_(sorted({m.model_id for m in scores})),
        )
        .order_by(Score.id)
    )
    for workspace, model_id, category, score in rows:
        newest[(workspace, model_id, category)] = score

    def scored(workspace: str, move: ScoreMove) -> bool:
        own = (workspace, move.model_id, move.category)
        return (
            newest[own] if own in newest else newest.get((SHARED, move.model_id, move.category))
        ) is not None

    return scored


def wants(sub: Subscription, move: PriceMove) -> bool:
    """Whether a subscription asked to hear about this move (its models, its threshold)."""
    if not follows(sub, move.model_id):
        return False
    if sub.min_change_pct is not None:
        return move.old is not None and move.largest_pct() >= sub.min_change_pct
    return True


def alerting(move: ScoreMove) -> bool:
    """A score move worth a message: ALERT_MOVE points or more of a model's own (default-variant) score,
    or its first overall score. Price thresholds (`subscribe above 5%`) don't apply to scores."""
    if move.variant:
        return False
    if move.old is None:
        return move.category == "overall" and move.new is not None
    return move.size >= ALERT_MOVE


def digest_payload(
    change: Change, moves: Sequence[PriceMove], scores: Sequence[ScoreMove] = ()
) -> dict[str, Any]:
    """What the worker needs to render the digest, as plain JSON (prices as decimal strings)."""
    return {
        "change_id": change.id,
        "kind": change.kind,
        "actor": asdict(change.actor),  # {"kind": "admin", "id": "U123"}: data, rendered by the worker
        "at": change.created_at.isoformat(),
        "moves": moves_payload(moves),
        "score_moves": [
            {
                "model_id": m.model_id,
                "model_name": m.model_name,
                "category": m.category,
                "category_label": _label(m.category),
                "old": m.old,
                "new": m.new,
            }
            for m in sorted(scores, key=lambda m: (-m.size, m.model_name, m.category))
        ],
    }


def moves_payload(moves: Sequence[PriceMove]) -> list[dict[str, Any]]:
    """Price moves as plain JSON (prices as decimal strings), the largest first."""
    return [
        {
            "model_id": m.model_id,
            "model_name": m.model_name,
            "provider_id": m.provider_id,
            "provider_name": m.provider_name,
            "provider_model_id": m.provider_model_id,
            "old": _prices(m.old),
            "new": _prices(m.new),
            "pct": {k: plain(m.pct(k)) for k in PRICE_KEYS},
        }
        for m in sorted(moves, key=lambda m: (-m.largest_pct(), m.model_name, m.provider_name))
    ]


def _label(category: str) -> str:
    found = find_category(category)
    return found.label if found else category


def _prices(price: PriceData | None) -> dict[str, str | None] | None:
    if price is None:
        return None
    return {k: plain(v) for k, v in price.values().items()}

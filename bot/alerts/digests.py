"""The worker's digest pass: for each channel that takes a digest and whose scheduled instant has come
(as of `now`, `modelcost worker --now`), queue one message listing what changed for the models it
follows over the period (bot.store.digests: price and score moves, new family members; the lifecycle
notices it was sent; the cheapest comparable open alternatives that changed), or nothing when nothing
changed. The period moves on in the same transaction, by a conditional update: a second worker that
planned the same period at once updates nothing and rolls back, so a period is digested once."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any  # Any: the alert payload is JSON

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bot import db
from bot.domain.digests import last_instant, period_start
from bot.read.current import as_of
from bot.read.lifecycle import alternatives_state, kept_state, standings
from bot.read.model import ReadModel
from bot.store import digests
from bot.store.outbox import moves_payload
from bot.store.subscriptions import family_members, followed
from bot.store.tables import Alert, Subscription, utcnow
from bot.store.workloads import team_workload

log = logging.getLogger(__name__)

ACTIVE = ("active", "broken")


class _Taken(Exception):
    """Another worker digested this period first."""


def plan(engine: Engine, now: datetime) -> int:
    """Queue every digest due as of `now`; returns how many were queued (a quiet period queues none)."""
    families = family_members()
    with db.read_only(engine) as session:
        subs = session.scalars(
            select(Subscription.id)
            .where(Subscription.status.in_(ACTIVE), Subscription.digest.is_not(None))
            .order_by(Subscription.id)
        ).all()
    queued = 0
    for sub_id in subs:
        try:
            queued += _plan_one(engine, sub_id, now, families)
        except _Taken:
            log.info("subscription %s: another worker digested this period first", sub_id)
    return queued


def _plan_one(engine: Engine, sub_id: int, now: datetime, families: dict[str, list[str]]) -> int:
    with db.transaction(engine) as session:
        sub = session.get_one(Subscription, sub_id)
        if sub.digest is None or sub.status not in ACTIVE:
            return 0
        end = last_instant(sub.digest, sub.digest_weekday, sub.digest_time, sub.digest_tz, now)
        start = sub.digest_until or period_start(sub.digest, end)
        if end <= start:
            return 0
        catalog = as_of(engine, end.date(), sub.workspace)
        payload, state = gather(session, catalog, sub, families, start, end)
        won = session.execute(  # type: ignore[attr-defined]  # an UPDATE's Result is a CursorResult: rowcount
            update(Subscription)
            .where(
                Subscription.id == sub.id,
                Subscription.digest_until == sub.digest_until
                if sub.digest_until is not None
                else Subscription.digest_until.is_(None),
            )
            .values(digest_until=end, digest_state=state)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not won:
            raise _Taken()
        if not payload["count"]:
            return 0  # nothing changed: nothing is posted
        session.add(
            Alert(
                change_id=None,
                subscription_id=sub.id,
                channel_id=sub.channel_id,
                workspace=sub.workspace,
                payload=payload,
                status="pending",
                next_attempt_at=utcnow(),  # the real clock: leases and claims keep it
                created_at=utcnow(),
            )
        )
        return 1


def gather(
    session: Session,
    catalog: ReadModel,
    sub: Subscription,
    families: dict[str, list[str]],
    start: datetime,
    end: datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The digest's payload for the period, and the alternatives' state to keep for the next one."""
    ids = followed(sub, families)
    work = team_workload(session, sub.workspace)
    sent = digests.told(session, sub.id, start, end)
    alerted_prices, alerted_scores = digests.alerted_keys(sent)
    moves = digests.price_moves(session, sub.workspace, ids, start, end)
    prices = moves_payload(moves)
    for m in prices:
        m["alerted"] = (m["model_id"], m["provider_id"]) in alerted_prices
    scores = [
        {
            "model_id": s.model_id,
            "model_name": s.model_name,
            "category": s.category,
            "old": s.old,
            "new": s.new,
            "team": s.team,
            "alerted": (s.model_id, s.category) in alerted_scores,
        }
        for s in digests.score_moves(session, sub.workspace, ids, start, end)
    ]
    family_ids = sorted({m for slug in sub.families or [] for m in families.get(slug, [])})
    members = [{"id": i, "name": n} for i, n in digests.first_priced(session, family_ids, start, end)]
    lifecycle = [
        {
            "name": p["model"]["name"],
            "stage": p.get("stage"),
            "retires_on": p.get("retires_on"),
            "alerted": True,
        }
        for p in sent
        if p.get("type") == "notice"
    ]
    if ids:
        for s in standings(catalog, ids, work).values():
            if s.status == "retired" and s.retires_on and start.date() < s.retires_on <= end.date():
                lifecycle.append(
                    {"name": s.name, "stage": 0, "retires_on": s.retires_on.isoformat(), "alerted": False}
                )
    before: dict[str, Any] = dict(sub.digest_state or {})
    found = alternatives_state(catalog, ids or [], work)  # every model: no alternatives to watch
    state: dict[str, Any] = kept_state(found)
    alternatives = []
    for model_id, now in state.items():
        if model_id not in before or (before[model_id] or [None])[0] == (now or [None])[0]:
            continue
        alt = found[model_id].alternative
        alternatives.append(
            {
                "model_name": found[model_id].model.name,
                "was": before[model_id][1] if before[model_id] else None,
                "now": alt.name if alt else None,
                "cost": str(alt.cost) if alt and alt.cost is not None else None,
                "provider_name": alt.provider_name if alt else None,
            }
        )
    count = len(prices) + len(scores) + len(members) + len(lifecycle) + len(alternatives)
    payload = {
        "type": "digest",
        "schedule": sub.digest,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "tz": sub.digest_tz,
        "count": count,
        "moves": prices,
        "scores": scores,
        "members": members,
        "lifecycle": lifecycle,
        "alternatives": alternatives,
    }
    return payload, state

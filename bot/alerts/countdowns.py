"""The worker's lifecycle pass: for each channel that follows models (by name or family), queue in the
outbox the notices due as of `now` (bot.domain.countdowns): a model newly deprecated, and 30, 7 and 1
days before its lab's API retires it, each once per channel, one message per model per pass.

Each subscription is planned in a transaction of its own, its notices recorded (bot.store.notices) with
the alert that tells them: a second worker planning the same subscription at once fails on the notices'
unique constraint and rolls back, so its duplicate message is never queued. `now` is the pass's clock
(`modelcost worker --now`); the outbox's leases and claims keep the real one.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any  # Any: the alert payload is JSON

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from bot import db
from bot.domain import countdowns
from bot.read.current import as_of
from bot.read.lifecycle import Costed, Options, options, standings
from bot.read.model import ReadModel
from bot.store import notices
from bot.store.subscriptions import family_members, followed
from bot.store.tables import Alert, Subscription, utcnow
from bot.store.workloads import team_workload

log = logging.getLogger(__name__)

ACTIVE = ("active", "broken")  # a broken subscription still gets alerts: the first delivered mends it


def plan(engine: Engine, now: datetime) -> int:
    """Queue every lifecycle notice due as of `now`; returns how many messages were queued."""
    on = now.astimezone(UTC).date()
    families = family_members()
    with db.read_only(engine) as session:
        rows = session.execute(
            select(Subscription.id, Subscription.workspace, Subscription.model_ids, Subscription.families)
            .where(Subscription.status.in_(ACTIVE))
            .order_by(Subscription.id)
        ).all()
    # Only channels that name models or families get countdowns: with none, no read model is built.
    subs = [(sub_id, workspace) for sub_id, workspace, ids, fams in rows if ids is not None or fams]
    catalogs: dict[str, ReadModel] = {}
    queued = 0
    for sub_id, workspace in subs:
        if workspace not in catalogs:
            catalogs[workspace] = as_of(engine, on, workspace)
        try:
            queued += _plan_one(engine, catalogs[workspace], sub_id, families)
        except IntegrityError:
            log.info("subscription %s: another worker queued its notices first", sub_id)
    return queued


def _plan_one(engine: Engine, catalog: ReadModel, sub_id: int, families: dict[str, list[str]]) -> int:
    with db.transaction(engine) as session:
        sub = session.get_one(Subscription, sub_id)
        ids = followed(sub, families)
        if not ids or sub.status not in ACTIVE:  # every model: countdowns are for what a channel names
            return 0
        work = team_workload(session, sub.workspace)
        told = notices.told(session, sub.id)
        queued = 0
        for model_id, standing in standings(catalog, ids, work).items():
            due = countdowns.due(
                standing.status, standing.retires_on, catalog.on, told.get(model_id, frozenset())
            )
            if due is None:
                continue
            payload = notice_payload(catalog, options(catalog, model_id, work), due, standing.retires_on)
            payload["workload"] = {"input_tokens": work.input_tokens, "output_tokens": work.output_tokens}
            alert = Alert(
                change_id=None,
                subscription_id=sub.id,
                channel_id=sub.channel_id,
                workspace=sub.workspace,
                payload=payload,
                status="pending",
                next_attempt_at=utcnow(),  # the real clock: leases and claims keep it
                created_at=utcnow(),
            )
            session.add(alert)
            session.flush()
            notices.mark(session, sub.id, model_id, due.keys, alert.id)
            queued += 1
        return queued


def notice_payload(
    catalog: ReadModel, found: Options, due: countdowns.Due, retires_on: Any
) -> dict[str, Any]:
    """What the worker needs to render the notice (bot.render.notice), as plain JSON."""
    return {
        "type": "notice",
        "model": _option(found.model),
        "successor": _option(found.successor) if found.successor else None,
        "alternative": _option(found.alternative) if found.alternative else None,
        "stage": due.stage,
        "announces": due.announces,
        "retires_on": retires_on.isoformat() if retires_on else None,
        "days_left": (retires_on - catalog.on).days if retires_on else None,
        "on": catalog.on.isoformat(),
    }


def _option(c: Costed) -> dict[str, Any]:
    return {
        "id": c.model_id,
        "name": c.name,
        "provider_name": c.provider_name,
        "cost": str(c.cost) if c.cost is not None else None,
    }

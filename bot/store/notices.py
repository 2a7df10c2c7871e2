"""Notices: what each channel was already told about each model it follows (bot.domain.countdowns).
One unique row per (subscription, model, notice): a second worker that tries to queue the same notice
fails on the constraint and rolls back its message with it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.tables import Notice


def told(session: Session, subscription_id: int) -> dict[str, frozenset[str]]:
    """Model id -> the notices this subscription's channel was given about it."""
    found: dict[str, set[str]] = defaultdict(set)
    rows = session.execute(
        select(Notice.model_id, Notice.notice).where(Notice.subscription_id == subscription_id)
    )
    for model_id, notice in rows:
        found[model_id].add(notice)
    return {m: frozenset(n) for m, n in found.items()}


def mark(
    session: Session, subscription_id: int, model_id: str, notices: Iterable[str], alert_id: int | None
) -> None:
    """Record these notices as told (by `alert_id`, or by the subscribe reply when None). Each must be
    new as the caller read them: one recorded meanwhile by another worker raises IntegrityError at the
    flush, so the caller's transaction, and the message it queued, roll back (never skip it here: the
    message would go out twice)."""
    for notice in sorted(set(notices)):
        session.add(
            Notice(subscription_id=subscription_id, model_id=model_id, notice=notice, alert_id=alert_id)
        )
    session.flush()

"""Channel subscriptions to price changes: one per channel, for every model or some, above a threshold."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.answers import SubscriptionAnswer, SubscriptionView
from bot.catalog.lookup import name_index
from bot.catalog.models import Subscription, utcnow


def subscribe(
    session: Session, channel_id: str, user_id: str, names: list[str], min_change_pct: Decimal | None
) -> SubscriptionAnswer:
    """Subscribe the channel (or change what it hears about); re-enables a broken subscription."""
    index = name_index(session)
    model_ids = sorted({model_id for n in names for model_id in index.resolve_words(n)}) or None
    sub = session.scalar(select(Subscription).where(Subscription.channel_id == channel_id))
    if sub is None:
        sub = Subscription(channel_id=channel_id, created_by=user_id, created_at=utcnow())
        session.add(sub)
    sub.model_ids = model_ids
    sub.min_change_pct = min_change_pct
    sub.status, sub.status_reason = "active", None
    session.flush()
    return SubscriptionAnswer(action="subscribed", subscription=view(sub))


def unsubscribe(session: Session, channel_id: str) -> SubscriptionAnswer:
    sub = session.scalar(select(Subscription).where(Subscription.channel_id == channel_id))
    if sub is None or sub.status == "disabled" and sub.status_reason == "unsubscribed":
        return SubscriptionAnswer(action="none", subscription=None)
    # Kept, not deleted: alerts already queued refer to it; the worker skips inactive subscriptions.
    sub.status, sub.status_reason = "disabled", "unsubscribed"
    session.flush()
    return SubscriptionAnswer(action="unsubscribed", subscription=view(sub))


def show(session: Session, channel_id: str) -> SubscriptionAnswer:
    sub = session.scalar(select(Subscription).where(Subscription.channel_id == channel_id))
    if sub is None or sub.status_reason == "unsubscribed":
        return SubscriptionAnswer(action="none", subscription=None)
    return SubscriptionAnswer(action="listed", subscription=view(sub))


def view(sub: Subscription) -> SubscriptionView:
    return SubscriptionView(
        channel_id=sub.channel_id,
        model_ids=sub.model_ids,
        min_change_pct=sub.min_change_pct,
        status=sub.status,
        status_reason=sub.status_reason,
    )

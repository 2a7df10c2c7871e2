"""Channel subscriptions to price changes: one per channel (in each workspace), for every model or
some, above a threshold; and what an uninstall or a reinstall does to a workspace's."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot import db
from bot.contract.answers import SubscriptionAnswer
from bot.contract.errors import NotHereError
from bot.contract.views import SubscriptionView
from bot.domain.digests import WEEKDAYS, next_instant, period_start
from bot.domain.families import members, resolve_family
from bot.domain.overlay import load_overlay
from bot.domain.workspaces import SHARED
from bot.store import retention
from bot.store.names import name_index
from bot.store.tables import Alert, Subscription, utcnow

log = logging.getLogger(__name__)

UNINSTALLED = "the app was uninstalled from this workspace"


def subscribe(
    session: Session,
    channel_id: str,
    user_id: str,
    names: list[str],
    min_change_pct: Decimal | None,
    workspace: str = SHARED,
    *,
    families: Sequence[str] = (),
    instead_of: str | None = None,
) -> Subscription:
    """Subscribe the channel (or change what it hears about); re-enables a broken subscription.
    `instead_of`: swap that one followed model for `names` (the countdown's button), keeping the rest."""
    index = name_index(session, workspace)
    model_ids = sorted({model_id for n in names for model_id in index.resolve_words(n)}) or None
    slugs = sorted({resolve_family(f, family_slugs()) for f in families}) or None
    sub = _find(session, workspace, channel_id)
    if instead_of is not None:
        old = index.resolve(instead_of)
        if sub is not None and sub.status_reason != "unsubscribed":
            kept = [m for m in sub.model_ids or [] if m != old]
            model_ids = sorted({*kept, *(model_ids or [])})
            slugs = sub.families
            min_change_pct = sub.min_change_pct
    if sub is None:
        sub = Subscription(
            channel_id=channel_id, created_by=user_id, created_at=utcnow(), workspace=workspace
        )
        session.add(sub)
    sub.model_ids = [] if model_ids is None and slugs else model_ids
    sub.families = slugs
    sub.min_change_pct = min_change_pct
    sub.status, sub.status_reason = "active", None
    session.flush()
    return sub


NOTHING_FOLLOWED = (
    "This channel follows nothing yet: `subscribe o1 r1` (or `subscribe` for every model) first."
)


def set_digest(
    session: Session,
    channel_id: str,
    schedule: str | None,
    weekday: int,
    at: str,
    tz: str,
    now: datetime,
    workspace: str = SHARED,
) -> Subscription:
    """Give the channel's subscription a digest (or none). The first one covers the period that ends at
    its first scheduled instant; a schedule changed keeps the period already covered."""
    sub = find(session, channel_id, workspace)
    if sub is None:
        raise NotHereError(NOTHING_FOLLOWED)
    sub.digest = schedule
    if schedule is None:
        sub.digest_only = False  # without a digest, nothing would be said at all
    else:
        sub.digest_weekday, sub.digest_time, sub.digest_tz = weekday, at, tz
        if sub.digest_until is None:
            sub.digest_until = period_start(schedule, next_instant(schedule, weekday, at, tz, now))
    session.flush()
    return sub


def set_digest_only(
    session: Session, channel_id: str, digest_only: bool, workspace: str = SHARED
) -> Subscription:
    """`alerts digest-only`: no per-change alerts here, the digest only (a digest must be set)."""
    sub = find(session, channel_id, workspace)
    if sub is None:
        raise NotHereError(NOTHING_FOLLOWED)
    if digest_only and sub.digest is None:
        raise NotHereError("`alerts digest-only` needs a digest first: `subscribe digest weekly`.")
    sub.digest_only = digest_only
    session.flush()
    return sub


def unsubscribe(session: Session, channel_id: str, workspace: str = SHARED) -> SubscriptionAnswer:
    sub = _find(session, workspace, channel_id)
    if sub is None or sub.status == "disabled" and sub.status_reason == "unsubscribed":
        return SubscriptionAnswer(action="none", subscription=None)
    # Kept, not deleted: alerts already queued refer to it; the worker skips inactive subscriptions.
    sub.status, sub.status_reason = "disabled", "unsubscribed"
    session.flush()
    return SubscriptionAnswer(action="unsubscribed", subscription=view(sub))


def find(session: Session, channel_id: str, workspace: str = SHARED) -> Subscription | None:
    """The channel's subscription, if it has one it did not end."""
    sub = _find(session, workspace, channel_id)
    return None if sub is None or sub.status_reason == "unsubscribed" else sub


def show(session: Session, channel_id: str, workspace: str = SHARED) -> SubscriptionAnswer:
    sub = _find(session, workspace, channel_id)
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
        families=sub.families,
        digest=sub.digest,
        digest_schedule=schedule_text(sub) if sub.digest else None,
        digest_only=sub.digest_only,
    )


def schedule_text(sub: Subscription) -> str:
    """'Mondays 09:00 UTC', 'daily at 16:00 Europe/Berlin'."""
    when = f"{sub.digest_time} {sub.digest_tz}"
    if sub.digest == "daily":
        return f"daily at {when}"
    return f"{WEEKDAYS[sub.digest_weekday].capitalize()}s {when}"


def family_slugs() -> list[str]:
    """The families of data/catalog.toml (`claude-sonnet`, `gpt`, ...)."""
    return sorted({m.family for m in load_overlay().model if m.family})


def family_members() -> dict[str, list[str]]:
    """Family slug -> its members' model ids, as data/catalog.toml lists them now."""
    pairs = [(m.id, m.family) for m in load_overlay().model]
    return {slug: members(slug, pairs) for slug in family_slugs()}


def followed(sub: Subscription, families: dict[str, list[str]] | None = None) -> list[str] | None:
    """The models a subscription names, itself or through its families; None: every model."""
    if sub.model_ids is None and not sub.families:
        return None
    by_family = families if families is not None else family_members()
    ids = set(sub.model_ids or [])
    for slug in sub.families or []:
        ids |= set(by_family.get(slug, []))
    return sorted(ids)


def follows(sub: Subscription, model_id: str | None) -> bool:
    """Whether the subscription hears about this model."""
    if sub.model_ids is None and not sub.families:
        return True
    if model_id is None:
        return False
    return model_id in (sub.model_ids or []) or model_id in (followed(sub) or [])


def _find(session: Session, workspace: str, channel_id: str) -> Subscription | None:
    return session.scalar(
        select(Subscription).where(Subscription.workspace == workspace, Subscription.channel_id == channel_id)
    )


def close_workspace(session: Session, workspace: str) -> tuple[int, int]:
    """The app was uninstalled from a workspace: its active subscriptions are disabled (saying why) and
    its pending alerts cancelled, recorded as such, never posted. Returns (subscriptions, alerts)."""
    subs = session.scalars(
        select(Subscription).where(Subscription.workspace == workspace, Subscription.status != "disabled")
    ).all()
    for sub in subs:
        sub.status, sub.status_reason = "disabled", UNINSTALLED
    alerts = session.scalars(
        select(Alert).where(Alert.workspace == workspace, Alert.status == "pending")
    ).all()
    for alert in alerts:
        alert.status, alert.last_error = "cancelled", UNINSTALLED
    session.flush()
    return len(subs), len(alerts)


def reopen_workspace(session: Session, workspace: str) -> int:
    """The app was installed again: the subscriptions the uninstall disabled are active again (the
    alerts cancelled meanwhile stay cancelled). Returns how many."""
    subs = session.scalars(
        select(Subscription).where(
            Subscription.workspace == workspace, Subscription.status_reason == UNINSTALLED
        )
    ).all()
    for sub in subs:
        sub.status, sub.status_reason = "active", None
    session.flush()
    return len(subs)


def uninstalled(engine: Engine, key: str) -> None:
    """The app was uninstalled from a workspace (or its tokens revoked): in one transaction its
    subscriptions are disabled, its pending alerts cancelled, and the time recorded: its overrides and
    history stay until the retention period ends (bot.store.retention)."""
    with db.transaction(engine) as session:
        subs, alerts = close_workspace(session, key)
        retention.departed(session, key, utcnow())
    log.info(
        "workspace %s uninstalled: %d subscriptions disabled, %d pending alerts cancelled", key, subs, alerts
    )


def installed(engine: Engine, key: str) -> None:
    """The app was installed (again) in a workspace: what the uninstall disabled resumes, and its data
    is no longer due for deletion."""
    with db.transaction(engine) as session:
        subs = reopen_workspace(session, key)
        retention.returned(session, key)
    if subs:
        log.info("workspace %s installed again: %d subscriptions active again", key, subs)

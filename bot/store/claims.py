"""Claims on the outbox: the database side of delivering an alert exactly once.

- claim: in a short transaction, take one due alert, the oldest unfinished one of a channel with nothing
  in flight and nothing sent too recently, and move it `pending -> sending` under a lease by a
  conditional UPDATE that only one claimer can win. The lease's end is the claim's token. On
  PostgreSQL a per-channel advisory lock keeps two claimers off one channel at once; candidate rows are
  not locked, so concurrent claimers each find a channel of their own.
- renew: push the lease's end further out, while the claim is still ours.
- record: write the outcome only while still holding the claim (the token matches), so a worker whose
  lease ran out and was taken over cannot undo another's delivery. A late record still counts when
  nobody took the alert over: the token is compared, not the clock.

Each method raises the database's errors to the caller (the worker retries them); none posts to Slack.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any  # Any: the alert payload is JSON from the outbox

from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot import db
from bot.domain.workspaces import SHARED
from bot.store.tables import Alert, Subscription, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    id: int
    channel_id: str
    payload: dict[str, Any]
    attempts: int
    active: bool  # False: the subscription was disabled after the alert was queued
    lease_until: datetime  # the claim's token: only the holder of this lease may record the outcome
    claimed_at: float  # time.monotonic() when claimed or last renewed
    workspace: str = SHARED  # whose alert: its installation's token posts it


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | retry | disable | broken | skip | release
    error: str | None = None
    delay: float = 0.0
    counts: bool = True  # a rate limit is Slack pacing us, not a failure: it does not use up an attempt


RELEASE = Outcome("release")  # never posted: back to pending at once, no attempt used


class UnsureClaimError(Exception):
    """The claim's transaction failed after its UPDATE was sent: it may have committed. The caller
    releases `claim` once the database answers (a no-op if it did not commit), so the alert does not
    wait out a lease nobody is using."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(f"alert {claim.id}: claim may have committed")
        self.claim = claim


Candidate = tuple[int, str, str, datetime, int]  # id, channel, status, next_attempt_at, attempts as read


class Claims:
    """Claims for one worker process. Its threads share a buffer of candidates: one query finds the
    oldest due alerts, and each claim takes the next of them in a transaction of its own. A candidate
    read a moment ago is still safe to claim: the UPDATE requires its status and time unchanged since,
    an alert that is the oldest unfinished of its channel stays so until it is finished itself
    (finished is final), and the channel's busy check runs again at claim time."""

    def __init__(
        self, engine: Engine, *, channel_interval: float, lease: float, max_attempts: int, batch: int = 64
    ) -> None:
        self.engine = engine
        self.channel_interval = timedelta(seconds=channel_interval)
        self.lease = timedelta(seconds=lease)
        self.max_attempts = max_attempts
        self.batch = batch
        self._candidates: deque[Candidate] = deque()
        self._lock = threading.Lock()  # guards the buffer
        self._finding = threading.Lock()  # one query for candidates at a time; the others wait for it

    def claim(self, exclude: Collection[int] = ()) -> Claim | None:
        """Take one due alert; None when none is due. `exclude`: alerts this process still holds (a
        record waiting for the database), which must not be claimed again even after their lease."""
        found = False
        while True:
            with self._lock:
                candidate = self._candidates.popleft() if self._candidates else None
            if candidate is None:
                if found:
                    return None
                self._find(exclude)
                found = True
                continue
            if candidate[0] in exclude:
                continue
            claimed = self._claim_one(candidate)
            if claimed is not None:
                return claimed

    def _find(self, exclude: Collection[int]) -> None:
        """Fill the buffer with the oldest due alerts, each the oldest unfinished one of a channel with
        nothing in flight and nothing sent too recently."""
        with self._finding:
            with self._lock:
                if self._candidates:  # another thread just found some
                    return
            now = utcnow()
            due = or_(
                (Alert.status == "pending") & (Alert.next_attempt_at <= now),
                (Alert.status == "sending") & (Alert.next_attempt_at <= now),  # a lease that ran out
            )
            busy_channels = select(Alert.channel_id).where(
                or_(
                    (Alert.status == "sending") & (Alert.next_attempt_at > now),
                    Alert.sent_at > now - self.channel_interval,
                )
            )
            earlier = aliased(Alert)
            # A channel's alerts go out in order: only its oldest unfinished one may be claimed.
            first_of_channel = ~(
                select(earlier.id)
                .where(
                    earlier.channel_id == Alert.channel_id,
                    earlier.id < Alert.id,
                    earlier.status.in_(("pending", "sending")),
                )
                .exists()
            )
            query = select(
                Alert.id, Alert.channel_id, Alert.status, Alert.next_attempt_at, Alert.attempts
            ).where(due, Alert.channel_id.not_in(busy_channels), first_of_channel)
            if exclude:
                query = query.where(Alert.id.not_in(list(exclude)))
            # No row locks (FOR UPDATE SKIP LOCKED made one claimer lock every candidate and the others
            # find none): the advisory lock and the conditional UPDATE decide who gets an alert.
            with db.session_factory(self.engine)() as session:
                rows = session.execute(query.order_by(Alert.id).limit(self.batch)).all()
            with self._lock:
                self._candidates.extend((int(r[0]), r[1], r[2], r[3], r[4]) for r in rows)

    def _claim_one(self, candidate: Candidate) -> Claim | None:
        """Move one candidate `pending -> sending` under a fresh lease; None if it is not ours to take."""
        alert_id, channel_id, status, next_at, attempts = candidate
        unsure: Claim | None = None
        try:
            with db.transaction(self.engine) as session:
                # One claimer per channel at a time, so the busy check below sees every claim.
                if self.engine.dialect.name == "postgresql" and not session.scalar(
                    select(func.pg_try_advisory_xact_lock(func.hashtext(channel_id)))
                ):
                    return None
                now = utcnow()
                if self._channel_busy(session, channel_id, now):
                    return None
                if status == "sending" and attempts >= self.max_attempts:
                    # Workers died sending this one again and again: stop, and say so.
                    fail(session, alert_id, f"gave up after {attempts} attempts: the worker kept dying")
                    return None
                lease_until = now + self.lease
                won = session.execute(  # type: ignore[attr-defined]  # an UPDATE's Result is a CursorResult: rowcount
                    update(Alert)
                    .where(Alert.id == alert_id, Alert.status == status, Alert.next_attempt_at == next_at)
                    .values(status="sending", next_attempt_at=lease_until, attempts=Alert.attempts + 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if not won:
                    return None
                unsure = Claim(alert_id, channel_id, {}, attempts + 1, False, lease_until, time.monotonic())
                payload, workspace, sub_status = session.execute(
                    select(Alert.payload, Alert.workspace, Subscription.status)
                    .join(Subscription, Alert.subscription_id == Subscription.id)
                    .where(Alert.id == alert_id)
                ).one()
                claimed = replace(
                    unsure, payload=payload, active=sub_status != "disabled", workspace=workspace
                )
        except Exception as exc:
            if unsure is not None:
                raise UnsureClaimError(unsure) from exc
            raise
        return claimed

    def renew(self, claim: Claim) -> Claim | None:
        """The claim with a fresh lease, or None if it was taken over (its lease ran out)."""
        lease_until = utcnow() + self.lease
        with db.transaction(self.engine) as session:
            won = session.execute(  # type: ignore[attr-defined]  # an UPDATE's Result is a CursorResult: rowcount
                update(Alert)
                .where(
                    Alert.id == claim.id,
                    Alert.status == "sending",
                    Alert.next_attempt_at == claim.lease_until,
                )
                .values(next_attempt_at=lease_until)
                .execution_options(synchronize_session=False)
            ).rowcount
        if not won:
            log.warning("alert %s: claim taken over; left to the new holder", claim.id)
            return None
        return replace(claim, lease_until=lease_until, claimed_at=time.monotonic())

    def _channel_busy(self, session: Session, channel_id: str, now: datetime) -> bool:
        """Another alert to this channel is in flight, or one went out less than the interval ago."""
        in_flight, last = session.execute(
            select(
                func.count().filter(Alert.status == "sending", Alert.next_attempt_at > now),
                func.max(Alert.sent_at),
            ).where(Alert.channel_id == channel_id)
        ).one()
        return bool(in_flight) or (last is not None and now - last < self.channel_interval)

    def record(self, claim: Claim, outcome: Outcome) -> bool:
        """Write the outcome if this worker still holds the claim; False if it was taken over."""
        now = utcnow()
        with db.transaction(self.engine) as session:
            alert = session.scalars(
                select(Alert)
                .where(
                    Alert.id == claim.id,
                    Alert.status == "sending",
                    Alert.next_attempt_at == claim.lease_until,
                )
                .with_for_update()
            ).one_or_none()
            if alert is None:
                if outcome.status != "release":  # a release of a claim that never committed: nothing to do
                    log.warning(
                        "alert %s: claim lost before its outcome (%s) was recorded", claim.id, outcome.status
                    )
                return False
            if outcome.status == "release":
                alert.status, alert.attempts, alert.next_attempt_at = "pending", alert.attempts - 1, now
                return True
            sub = session.get_one(Subscription, alert.subscription_id)
            alert.last_error = outcome.error
            if outcome.status == "sent":
                alert.status, alert.sent_at = "sent", now
                if sub.status == "broken":  # delivering again: the channel has recovered
                    sub.status, sub.status_reason = "active", None
            elif outcome.status == "skip":
                alert.status = "skipped"
            elif outcome.status == "disable":
                alert.status = "failed"
                sub.status, sub.status_reason = "disabled", outcome.error
                log.warning(
                    "alert %s to %s: subscription disabled: %s", alert.id, alert.channel_id, outcome.error
                )
            elif outcome.status == "broken":  # retrying cannot help until someone acts in Slack
                alert.status = "failed"
                if sub.status != "disabled":
                    sub.status, sub.status_reason = "broken", outcome.error
                log.warning(
                    "alert %s to %s: subscription broken: %s", alert.id, alert.channel_id, outcome.error
                )
            else:
                attempts = alert.attempts if outcome.counts else alert.attempts - 1
                if attempts >= self.max_attempts:
                    fail(session, alert.id, f"gave up after {attempts} attempts: {outcome.error}")
                    return True
                delay = outcome.delay or backoff(attempts)
                alert.status, alert.attempts = "pending", attempts
                alert.next_attempt_at = now + timedelta(seconds=delay)
                log.info(
                    "alert %s to %s: retry in %.0fs (%s)", alert.id, alert.channel_id, delay, outcome.error
                )
        return True


def fail(session: Session, alert_id: int, reason: str) -> None:
    """Give up on one alert, visibly: the subscription shows as broken, with the reason.

    A broken subscription still gets new alerts queued; the first one delivered mends it.
    """
    alert = session.get_one(Alert, alert_id)
    alert.status, alert.last_error = "failed", reason
    sub = session.get_one(Subscription, alert.subscription_id)
    if sub.status == "active":
        sub.status, sub.status_reason = "broken", reason
    log.error("alert %s to %s: %s", alert_id, alert.channel_id, reason)


def backoff(attempts: int) -> float:
    """Seconds before the next try: 30 s, 1 min, 2 min, ... capped at an hour (10 tries span ~5 hours)."""
    return float(min(3600, 30 * 2 ** max(0, attempts - 1)))

"""Claims on the outbox: the database side of delivering an alert exactly once.

- claim: in a short transaction, take one due alert, the oldest unfinished one of a channel with nothing
  in flight and nothing sent too recently, in a workspace that is not held (bot.store.pacing), and
  move it `pending -> sending` under a lease by a conditional UPDATE that only one claimer can win;
  with a workspace pace, the same transaction takes the workspace's turn, holding it for the pace,
  and a paced workspace has one post in flight at most (its pace counts again from the answer).
  The lease's end is the claim's token. On PostgreSQL a per-channel advisory lock keeps two claimers
  off one channel at once; candidate rows are not locked, so concurrent claimers each find a channel
  (and, when paced, a workspace) of their own.
- renew: push the lease's end further out, while the claim is still ours.
- record: write the outcome only while still holding the claim (the token matches), so a worker whose
  lease ran out and was taken over cannot undo another's delivery. A late record still counts when
  nobody took the alert over: the token is compared, not the clock. An outcome of a post holds its
  workspace again for the pace, or for Slack's Retry-After after a 429 (`limited`), in the same
  transaction.

On SQLite (one writer at a time) this process's threads take turns at the database: their posts to
Slack still run at once.

Each method raises the database's errors to the caller (the worker retries them); none posts to Slack.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Collection
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any  # Any: the alert payload is JSON from the outbox

from sqlalchemy import Engine, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot import db
from bot.domain.workspaces import SHARED
from bot.store.pacing import hold, soonest_release, take_turn
from bot.store.tables import Alert, Pacing, Subscription, utcnow

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
    # sent | retry | disable | broken | skip | release; limited: a 429, Slack pacing us rather than a
    # failure: no attempt used, and the alert and its whole workspace wait `delay` (the Retry-After)
    status: str
    error: str | None = None
    delay: float = 0.0


RELEASE = Outcome("release")  # never posted: back to pending at once, no attempt used


class UnsureClaimError(Exception):
    """The claim's transaction failed after its UPDATE was sent: it may have committed. The caller
    releases `claim` once the database answers (a no-op if it did not commit), so the alert does not
    wait out a lease nobody is using."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(f"alert {claim.id}: claim may have committed")
        self.claim = claim


# id, channel, workspace, status, next_attempt_at, attempts as read
Candidate = tuple[int, str, str, str, datetime, int]


class _Held(Exception):
    """The workspace's turn was taken by another claimer: roll the claim back."""


class Claims:
    """Claims for one worker process. Its threads share a buffer of candidates: one query finds the
    oldest due alerts, and each claim takes the next of them in a transaction of its own. A candidate
    read a moment ago is still safe to claim: the UPDATE requires its status and time unchanged since,
    an alert that is the oldest unfinished of its channel stays so until it is finished itself
    (finished is final), and the channel's busy check runs again at claim time."""

    def __init__(
        self,
        engine: Engine,
        *,
        channel_interval: float,
        lease: float,
        max_attempts: int,
        batch: int = 64,
        team_interval: float = 0.0,
    ) -> None:
        """`team_interval`: the workspace's pace, the least time between two claims (and between an
        outcome and the next claim) in one workspace; 0: workspaces unpaced (a 429 still holds one)."""
        self.engine = engine
        self.channel_interval = timedelta(seconds=channel_interval)
        self.team_interval = timedelta(seconds=team_interval)
        self.lease = timedelta(seconds=lease)
        self.max_attempts = max_attempts
        self.batch = batch
        # Workspaces held no longer than this are searched too, each with the time it is let go.
        self.lookahead = max(2 * self.team_interval, timedelta(seconds=2))
        # What a search found, in the order it may be claimed: (ready at, time.monotonic(); id; the
        # candidate). One search schedules a fan-out's next turns in every workspace at once.
        self._candidates: list[tuple[float, int, Candidate]] = []
        self._searched_at = float("-inf")
        self._lock = threading.Lock()  # guards the buffer
        self._finding = threading.Lock()  # one query for candidates at a time; the others wait for it
        # How many searches have begun. A thread that needs one uses another's instead if it began after
        # the thread asked (it saw all the thread had done), so idle threads don't search in a row; one
        # begun before may have missed the thread's last outcome and what it let go, and is not enough.
        self._searches = 0
        # SQLite has one writer at a time: this process's threads take turns (a second writer would
        # fail with "database is locked"), while their posts to Slack still run at once.
        self._one_writer: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    def claim(self, exclude: Collection[int] = ()) -> Claim | None:
        """Take one due alert; None when none is due. `exclude`: alerts this process still holds (a
        record waiting for the database), which must not be claimed again even after their lease."""
        found = False
        while True:
            with self._lock:
                head = self._candidates[0] if self._candidates else None
                ready = head is not None and head[0] <= time.monotonic()
                candidate = heapq.heappop(self._candidates)[2] if ready else None
                # Search again when nothing is found yet, or what was found waits on holds and the
                # search is a second old (new alerts may have been queued since).
                search = not found and (head is None or time.monotonic() - self._searched_at >= 1.0)
                since = self._searches
            if candidate is None:
                if not search:
                    return None
                self._find(exclude, since)
                found = True
                continue
            if candidate[0] in exclude:
                continue
            claimed = self._claim_one(candidate)
            if claimed is not None:
                return claimed

    def ready_in(self) -> float | None:
        """Seconds until the next alert found is let go by its workspace's hold (None: none found)."""
        with self._lock:
            if not self._candidates:
                return None
            return max(0.0, self._candidates[0][0] - time.monotonic())

    def _find(self, exclude: Collection[int], since: int) -> None:
        """Fill the buffer with the due alerts, each the oldest unfinished one of a channel with nothing
        in flight and nothing sent too recently, in a workspace not held beyond the lookahead, in the
        order they may be claimed: when their workspace is let go, then oldest first. When
        workspaces are paced, one per workspace not posting now (its next turn takes one anyway)."""
        with self._finding:
            with self._lock:
                if self._searches > since:  # one began (and ended) since: use what it found
                    return
                self._searches += 1
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
            columns = (
                Alert.id,
                Alert.channel_id,
                Alert.workspace,
                Alert.status,
                Alert.next_attempt_at,
                Alert.attempts,
                Pacing.not_before,
            )
            query = (
                select(*columns)
                .outerjoin(Pacing, Pacing.workspace == Alert.workspace)
                .where(
                    due,
                    Alert.channel_id.not_in(busy_channels),
                    first_of_channel,
                    or_(Pacing.not_before.is_(None), Pacing.not_before <= now + self.lookahead),
                )
            )
            if exclude:
                query = query.where(Alert.id.not_in(list(exclude)))
            if self.team_interval:
                # A paced workspace has one post in flight at most: its pace counts from the answer.
                in_flight = aliased(Alert)
                query = query.where(
                    Alert.workspace.not_in(
                        select(in_flight.workspace).where(
                            in_flight.status == "sending", in_flight.next_attempt_at > now
                        )
                    )
                )
                ranked = query.add_columns(
                    func.row_number().over(partition_by=Alert.workspace, order_by=Alert.id).label("turn")
                ).subquery()
                query = select(*(ranked.c[c.key] for c in columns)).where(ranked.c.turn == 1)
            held, oldest = query.selected_columns[6], query.selected_columns[0]
            # No row locks (FOR UPDATE SKIP LOCKED made one claimer lock every candidate and the others
            # find none): the advisory lock and the conditional UPDATE decide who gets an alert.
            with self._one_writer, db.session_factory(self.engine)() as session:
                rows = session.execute(
                    query.order_by(held.is_not(None), held, oldest).limit(self.batch)
                ).all()
            clock = time.monotonic()
            found = [
                (
                    clock + max(0.0, (r[6] - now).total_seconds()) if r[6] is not None else clock,
                    int(r[0]),
                    (int(r[0]), r[1], r[2], r[3], r[4], r[5]),
                )
                for r in rows
            ]
            heapq.heapify(found)
            with self._lock:
                self._candidates = found
                self._searched_at = clock

    def next_release(self, within: float) -> float | None:
        """Seconds until the soonest hold on a workspace with alerts waiting ends, if one ends within
        `within` seconds: when a worker with nothing to claim should look again."""
        now = utcnow()
        with self._one_writer, db.session_factory(self.engine)() as session:
            until = soonest_release(session, now, timedelta(seconds=within))
        return None if until is None else max(0.0, (until - now).total_seconds())

    def _claim_one(self, candidate: Candidate) -> Claim | None:
        """Move one candidate `pending -> sending` under a fresh lease; None if it is not ours to take."""
        alert_id, channel_id, workspace, status, next_at, attempts = candidate
        unsure: Claim | None = None
        try:
            with self._one_writer, db.transaction(self.engine) as session:
                run = session.connection().execute  # Core, with statements built once (_CLAIM)
                # One claimer per channel at a time, so the busy check below sees every claim.
                if (
                    self.engine.dialect.name == "postgresql"
                    and not run(_CLAIM.lock, {"c": channel_id}).scalar()
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
                won = run(
                    _CLAIM.take,
                    {"alert": alert_id, "was": status, "next_at": next_at, "lease_until": lease_until},
                ).one_or_none()
                if won is None:
                    return None
                payload, workspace, sub_status = won
                # After the alert's row, as record() takes them: two transactions never wait on each other
                # in opposite orders.
                if not take_turn(session, workspace, now, self.team_interval, posting=alert_id):
                    raise _Held  # rolls the claim back
                claimed = Claim(
                    alert_id,
                    channel_id,
                    payload,
                    attempts + 1,
                    sub_status != "disabled",
                    lease_until,
                    time.monotonic(),
                    workspace,
                )
                unsure = claimed
        except _Held:
            return None
        except Exception as exc:
            if unsure is not None:
                raise UnsureClaimError(unsure) from exc
            raise
        return claimed

    def renew(self, claim: Claim) -> Claim | None:
        """The claim with a fresh lease, or None if it was taken over (its lease ran out)."""
        lease_until = utcnow() + self.lease
        with self._one_writer, db.transaction(self.engine) as session:
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

    def _record_sent(self, claim: Claim, now: datetime) -> bool:
        """record() of a delivery, the outcome of nearly every claim, in one conditional UPDATE and
        the workspace's pace (and, for a subscription shown broken, its mending)."""
        with self._one_writer, db.transaction(self.engine) as session:
            run = session.connection().execute
            sent = run(_CLAIM.sent, {"alert": claim.id, "lease": claim.lease_until, "now": now}).one_or_none()
            if sent is None:
                log.warning("alert %s: claim lost before its outcome (sent) was recorded", claim.id)
                return False
            workspace, sub_id, sub_status = sent
            if self.team_interval:
                hold(session, workspace, now + self.team_interval)
            if sub_status == "broken":  # delivering again: the channel has recovered
                run(
                    update(Subscription)
                    .where(Subscription.id == sub_id)
                    .values(status="active", status_reason=None)
                )
        return True

    def _channel_busy(self, session: Session, channel_id: str, now: datetime) -> bool:
        """Another alert to this channel is in flight, or one went out less than the interval ago."""
        in_flight, last = session.connection().execute(_CLAIM.busy, {"c": channel_id, "now": now}).one()
        return bool(in_flight) or (last is not None and now - last < self.channel_interval)

    def record(self, claim: Claim, outcome: Outcome) -> bool:
        """Write the outcome if this worker still holds the claim; False if it was taken over."""
        now = utcnow()
        if outcome.status == "sent":
            return self._record_sent(claim, now)
        with self._one_writer, db.transaction(self.engine) as session:
            found = session.execute(
                select(Alert, Subscription)
                .join(Subscription, Alert.subscription_id == Subscription.id)
                .where(
                    Alert.id == claim.id,
                    Alert.status == "sending",
                    Alert.next_attempt_at == claim.lease_until,
                )
                .with_for_update(of=Alert)
            ).one_or_none()
            if found is None:
                if outcome.status != "release":  # a release of a claim that never committed: nothing to do
                    log.warning(
                        "alert %s: claim lost before its outcome (%s) was recorded", claim.id, outcome.status
                    )
                return False
            alert, sub = found
            if outcome.status == "release":
                alert.status, alert.attempts, alert.next_attempt_at = "pending", alert.attempts - 1, now
                return True
            alert.last_error = outcome.error
            if outcome.status != "skip":  # Slack was asked: its workspace waits its pace, or Retry-After
                wait = max(
                    self.team_interval, timedelta(seconds=outcome.delay if outcome.status == "limited" else 0)
                )
                if wait:
                    hold(session, alert.workspace, now + wait)
            if outcome.status == "skip":  # ("sent" is _record_sent's)
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
            elif outcome.status == "limited":  # Slack pacing us, not a failure: no attempt used
                alert.status, alert.attempts = "pending", alert.attempts - 1
                alert.next_attempt_at = now + timedelta(seconds=outcome.delay)
                log.info(
                    "alert %s to %s: %s; workspace %r waits %.0fs",
                    alert.id,
                    alert.channel_id,
                    outcome.error,
                    alert.workspace,
                    outcome.delay,
                )
            else:
                attempts = alert.attempts
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


class _Statements:
    """The claim's statements, built once: a fan-out runs them thousands of times a minute, and
    building one costs more than running it."""

    def __init__(self) -> None:
        now = bindparam("now", type_=Alert.next_attempt_at.type)
        # A subquery, not UPDATE ... FROM: SQLite's RETURNING sees only the table it updates.
        sub_status = (
            select(Subscription.status).where(Subscription.id == Alert.subscription_id).scalar_subquery()
        )
        self.lock = select(func.pg_try_advisory_xact_lock(func.hashtext(bindparam("c"))))
        self.busy = select(
            func.count().filter(Alert.status == "sending", Alert.next_attempt_at > now),
            func.max(Alert.sent_at),
        ).where(Alert.channel_id == bindparam("c"))
        self.take = (
            update(Alert)
            .where(
                Alert.id == bindparam("alert"),
                Alert.status == bindparam("was"),
                Alert.next_attempt_at == bindparam("next_at", type_=Alert.next_attempt_at.type),
            )
            .values(
                status="sending",
                next_attempt_at=bindparam("lease_until", type_=Alert.next_attempt_at.type),
                attempts=Alert.attempts + 1,
            )
            .returning(Alert.payload, Alert.workspace, sub_status)
        )
        self.sent = (
            update(Alert)
            .where(
                Alert.id == bindparam("alert"),
                Alert.status == "sending",
                Alert.next_attempt_at == bindparam("lease", type_=Alert.next_attempt_at.type),
            )
            .values(status="sent", sent_at=now, last_error=None)
            .returning(Alert.workspace, Alert.subscription_id, sub_status)
        )


_CLAIM = _Statements()


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

"""The worker: delivers pending alerts from the outbox to Slack, each exactly once.

How an alert is delivered once, across any number of workers:
- claim: in a short transaction, pick a due alert of a channel with nothing in flight (PostgreSQL:
  `FOR UPDATE ... SKIP LOCKED`, and a per-channel advisory lock so two claimers never pick the same
  channel at once) and move it `pending -> sending` under a lease, by a conditional UPDATE that only
  one worker can win; the lease's end is the claim's token;
- send, outside any transaction (no lock is held while Slack answers);
- record the outcome only while still holding the claim: `sent`; back to `pending` later (429s, which
  do not use up an attempt, and transient errors, with backoff from 30 s to an hour); or `failed`,
  with the subscription disabled (the channel is gone) or marked broken (given up after
  `max_attempts`; the next delivery that works mends it).
A worker killed mid-run leaves its alert `sending`; once the lease runs out any worker claims it again,
so nothing is lost. (If it died after Slack accepted the message but before recording it, that one
message can go out twice: Slack has no idempotency key for chat.postMessage.)
Each channel gets at most one message per `channel_interval` seconds, its alerts in order.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot import db
from bot.alerts.names import DisplayNames
from bot.alerts.outbox import payload_actor
from bot.catalog.answers import CLI_USER
from bot.catalog.models import Alert, Subscription, utcnow
from bot.render.alert import digest

log = logging.getLogger(__name__)

DISABLING_ERRORS = {
    "channel_not_found": "the channel no longer exists or the app cannot see it",
    "is_archived": "the channel is archived",
    "method_not_supported_for_channel_type": "the app cannot join this kind of channel",
}


class ShortRateLimitRetry(RateLimitErrorRetryHandler):
    """Honour a short Retry-After in place; a long one is rescheduled by the worker instead of slept."""

    def __init__(self, max_wait: float = 10.0) -> None:
        super().__init__(max_retry_count=1)
        self.max_wait = max_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        return response is not None and _retry_after(response.headers) <= self.max_wait


def slack_client(token: str | None, base_url: str) -> WebClient:
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), ShortRateLimitRetry()],
    )


def _retry_after(headers: Mapping[str, Any]) -> float:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return float(raw)
            except ValueError:
                return 1.0
    return 1.0


@dataclass(frozen=True)
class _Claimed:
    id: int
    channel_id: str
    payload: dict[str, Any]
    attempts: int
    active: bool
    lease_until: datetime  # the claim's token: only the holder of this lease may record the outcome
    claimed_at: float  # time.monotonic() when claimed or last renewed


@dataclass
class Outcome:
    status: str  # sent | retry | disable | give_up
    error: str | None = None
    delay: float = 0.0
    counts: bool = True  # a rate limit is Slack pacing us, not a failure: it does not use up an attempt


class Worker:
    def __init__(
        self,
        engine: Engine,
        client: WebClient,
        *,
        channel_interval: float = 1.0,
        lease: float = 120.0,
        max_attempts: int = 10,
        threads: int = 4,
    ) -> None:
        self.engine = engine
        self.client = client
        self.names = DisplayNames(client)  # kept across passes: one users.info per admin per few minutes
        self.channel_interval = timedelta(seconds=channel_interval)
        self.lease = timedelta(seconds=lease)
        self.max_attempts = max_attempts
        # SQLite has one writer at a time: concurrent claims would fail with "database is locked".
        self.threads = 1 if engine.dialect.name == "sqlite" else threads

    # -- one pass -------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Deliver every alert that is due now; returns how many were sent."""
        sent = [0]
        lock = threading.Lock()

        def loop() -> None:
            while batch := self.claim():
                for claimed in batch:
                    ours = self._still_ours(claimed)
                    if ours is not None and self.deliver_safely(ours):
                        with lock:
                            sent[0] += 1

        workers = [threading.Thread(target=loop, daemon=True) for _ in range(max(1, self.threads))]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        return sent[0]

    def run_forever(
        self, stop: threading.Event, poll: float = 2.0, tick: Callable[[], None] | None = None
    ) -> None:
        """Deliver alerts until `stop` is set; `tick` runs between passes (the periodic feed sync)."""
        while not stop.is_set():
            try:
                if tick is not None:
                    tick()
                self.run_once()
            except Exception:  # the loop must survive a bad pass (database away); the next one retries
                log.exception("worker pass failed; retrying in %.0fs", poll)
            stop.wait(poll)

    # -- claim ----------------------------------------------------------------------------------
    def claim(self, limit: int = 10) -> list[_Claimed]:
        """Take up to `limit` due alerts, each the oldest unfinished one of a channel with nothing in
        flight and nothing sent too recently; [] when none is due."""
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
        postgres = self.engine.dialect.name == "postgresql"
        claimed: list[_Claimed] = []
        with db.transaction(self.engine) as session:
            candidates = session.execute(
                select(Alert.id, Alert.channel_id, Alert.status, Alert.next_attempt_at, Alert.attempts)
                .where(due, Alert.channel_id.not_in(busy_channels), first_of_channel)
                .order_by(Alert.id)
                .limit(limit * 2)
                .with_for_update(skip_locked=True)
            ).all()
            for alert_id, channel_id, status, next_at, attempts in candidates:
                # One claimer per channel at a time, so the busy check below sees every claim.
                if postgres and not session.scalar(
                    select(func.pg_try_advisory_xact_lock(func.hashtext(channel_id)))
                ):
                    continue
                if self._channel_busy(session, channel_id, now):
                    continue
                if status == "sending" and attempts >= self.max_attempts:
                    # Workers died sending this one again and again: stop, and say so.
                    self._fail(session, alert_id, f"gave up after {attempts} attempts: the worker kept dying")
                    continue
                lease_until = now + self.lease
                won = session.execute(  # type: ignore[attr-defined]  # an UPDATE's Result is a CursorResult: rowcount
                    update(Alert)
                    .where(Alert.id == alert_id, Alert.status == status, Alert.next_attempt_at == next_at)
                    .values(status="sending", next_attempt_at=lease_until, attempts=Alert.attempts + 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if not won:
                    continue
                payload, sub_status = session.execute(
                    select(Alert.payload, Subscription.status)
                    .join(Subscription, Alert.subscription_id == Subscription.id)
                    .where(Alert.id == alert_id)
                ).one()
                claimed.append(
                    _Claimed(
                        int(alert_id),
                        channel_id,
                        payload,
                        attempts + 1,
                        sub_status != "disabled",
                        lease_until,
                        time.monotonic(),
                    )
                )
                if len(claimed) == limit:
                    break
        return claimed

    def _still_ours(self, claimed: _Claimed) -> _Claimed | None:
        """Renew the lease of a claim that has waited long (behind slow posts in its batch), so that no
        other worker takes it over while it is being sent; None if it was taken over already."""
        if time.monotonic() - claimed.claimed_at < self.lease.total_seconds() / 2:
            return claimed
        lease_until = utcnow() + self.lease
        with db.transaction(self.engine) as session:
            won = session.execute(  # type: ignore[attr-defined]  # an UPDATE's Result is a CursorResult: rowcount
                update(Alert)
                .where(
                    Alert.id == claimed.id,
                    Alert.status == "sending",
                    Alert.next_attempt_at == claimed.lease_until,
                )
                .values(next_attempt_at=lease_until)
                .execution_options(synchronize_session=False)
            ).rowcount
        if not won:
            log.warning("alert %s: claim taken over before sending; left to the new holder", claimed.id)
            return None
        return replace(claimed, lease_until=lease_until, claimed_at=time.monotonic())

    def _channel_busy(self, session: Session, channel_id: str, now: datetime) -> bool:
        """Another alert to this channel is in flight, or one went out less than the interval ago."""
        in_flight, last = session.execute(
            select(
                func.count().filter(Alert.status == "sending", Alert.next_attempt_at > now),
                func.max(Alert.sent_at),
            ).where(Alert.channel_id == channel_id)
        ).one()
        return bool(in_flight) or (last is not None and now - last < self.channel_interval)

    # -- deliver --------------------------------------------------------------------------------
    def deliver_safely(self, claimed: _Claimed) -> bool:
        """`deliver`, and an unexpected error becomes a recorded retry instead of a stuck alert."""
        try:
            return self.deliver(claimed)
        except Exception as exc:  # recorded on the alert (and logged), never swallowed
            log.exception("alert %s to %s failed unexpectedly", claimed.id, claimed.channel_id)
            self._record(claimed, Outcome("retry", f"unexpected error: {type(exc).__name__}: {exc}"))
            return False

    def deliver(self, claimed: _Claimed) -> bool:
        if not claimed.active:
            self._record(claimed, Outcome("skip", "the subscription was disabled"))
            return False
        outcome = self._send(claimed.channel_id, claimed.payload)
        self._record(claimed, outcome)
        return outcome.status == "sent"

    def _send(self, channel: str, payload: dict[str, Any]) -> Outcome:
        actor = payload_actor(payload)
        name = self.names.get(actor.id) if actor.kind == "admin" and actor.id != CLI_USER else None
        text, blocks = digest(payload, actor, name)
        joined = False
        while True:
            try:
                self.client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False)
                return Outcome("sent")
            except SlackApiError as exc:
                error = str(exc.response.get("error", "")) or f"HTTP {exc.response.status_code}"
                if exc.response.status_code == 429:
                    return Outcome(
                        "retry", "rate limited (429)", _retry_after(exc.response.headers), counts=False
                    )
                if error == "not_in_channel" and not joined:
                    joined = True
                    try:
                        self.client.conversations_join(channel=channel)
                    except SlackApiError as join_exc:
                        join_error = str(join_exc.response.get("error", "join failed"))
                        if join_error in DISABLING_ERRORS:
                            return Outcome("disable", f"{join_error}: {DISABLING_ERRORS[join_error]}")
                        return Outcome("retry", f"could not join the channel: {join_error}")
                    continue
                if error in DISABLING_ERRORS:
                    return Outcome("disable", f"{error}: {DISABLING_ERRORS[error]}")
                return Outcome("retry", error)
            except OSError as exc:  # network: URLError, timeouts, refused connections
                return Outcome("retry", f"network error: {exc}")

    def _record(self, claimed: _Claimed, outcome: Outcome) -> None:
        """Write the outcome, if this worker still holds the claim (its lease did not run out)."""
        now = utcnow()
        with db.transaction(self.engine) as session:
            alert = session.scalars(
                select(Alert)
                .where(
                    Alert.id == claimed.id,
                    Alert.status == "sending",
                    Alert.next_attempt_at == claimed.lease_until,
                )
                .with_for_update()
            ).one_or_none()
            if alert is None:
                log.warning(
                    "alert %s: claim lost before its outcome (%s) was recorded", claimed.id, outcome.status
                )
                return
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
            else:
                attempts = alert.attempts if outcome.counts else alert.attempts - 1
                if attempts >= self.max_attempts:
                    self._fail(session, alert.id, f"gave up after {attempts} attempts: {outcome.error}")
                    return
                delay = outcome.delay or backoff(attempts)
                alert.status, alert.attempts = "pending", attempts
                alert.next_attempt_at = now + timedelta(seconds=delay)
                log.info(
                    "alert %s to %s: retry in %.0fs (%s)", alert.id, alert.channel_id, delay, outcome.error
                )

    def _fail(self, session: Session, alert_id: int, reason: str) -> None:
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

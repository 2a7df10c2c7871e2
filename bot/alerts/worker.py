"""The worker: delivers pending alerts from the outbox to Slack, each exactly once.

How an alert is delivered once, across any number of workers:
- claim: in a short transaction, pick a due alert (PostgreSQL: `FOR UPDATE ... SKIP LOCKED`, so workers
  never wait on each other) and move it `pending -> sending` with a lease, by a conditional UPDATE
  that only one worker can win;
- send, outside any transaction (no lock is held while Slack answers);
- record the outcome: `sent`, back to `pending` with a later `next_attempt_at` (429, transient errors,
  with backoff), or `failed` with the subscription disabled or marked broken and the reason kept.
A worker killed mid-run leaves its alert `sending`; once the lease runs out any worker claims it again,
so nothing is lost. (If it died after Slack accepted the message but before recording it, that one
message can go out twice: Slack has no idempotency key for chat.postMessage.)
Each channel gets at most one message per `channel_interval` seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from sqlalchemy import Engine, func, or_, select, update

from bot import db
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


@dataclass
class Outcome:
    status: str  # sent | retry | disable | give_up
    error: str | None = None
    delay: float = 0.0


class Worker:
    def __init__(
        self,
        engine: Engine,
        client: WebClient,
        *,
        channel_interval: float = 1.0,
        lease: float = 120.0,
        max_attempts: int = 5,
        threads: int = 4,
    ) -> None:
        self.engine = engine
        self.client = client
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
            while claimed := self.claim():
                for one in claimed:
                    if self.deliver(one):
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
            except Exception:  # the loop must survive a bad pass; the next one retries
                log.exception("worker pass failed; retrying in %.0fs", poll)
            stop.wait(poll)

    # -- claim ----------------------------------------------------------------------------------
    def claim(self, limit: int = 10) -> list[_Claimed]:
        """Take up to `limit` due alerts, for distinct channels, for this worker; [] when nothing is due."""
        now = utcnow()
        due = or_(
            (Alert.status == "pending") & (Alert.next_attempt_at <= now),
            (Alert.status == "sending") & (Alert.next_attempt_at <= now),  # a lease that ran out
        )
        claimed: list[_Claimed] = []
        with db.transaction(self.engine) as session:
            candidates = session.execute(
                select(Alert.id, Alert.channel_id, Alert.status, Alert.next_attempt_at)
                .where(due)
                .order_by(Alert.id)
                .limit(limit * 2)
                .with_for_update(skip_locked=True)
            ).all()
            channels: set[str] = set()
            for alert_id, channel_id, status, next_at in candidates:
                if channel_id in channels or self._channel_busy(session, channel_id, alert_id, now):
                    continue
                won = session.execute(  # type: ignore[attr-defined]
                    update(Alert)
                    .where(Alert.id == alert_id, Alert.status == status, Alert.next_attempt_at == next_at)
                    .values(status="sending", next_attempt_at=now + self.lease, attempts=Alert.attempts + 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if not won:
                    continue
                channels.add(channel_id)
                payload, attempts, sub_status = session.execute(
                    select(Alert.payload, Alert.attempts, Subscription.status)
                    .join(Subscription, Alert.subscription_id == Subscription.id)
                    .where(Alert.id == alert_id)
                ).one()
                claimed.append(_Claimed(int(alert_id), channel_id, payload, attempts, sub_status == "active"))
                if len(claimed) == limit:
                    break
        return claimed

    def _channel_busy(self, session, channel_id: str, alert_id: int, now: datetime) -> bool:  # type: ignore[no-untyped-def]
        """Another alert to this channel is in flight, or one went out less than the interval ago."""
        in_flight, last = session.execute(
            select(
                func.count().filter(
                    Alert.status == "sending", Alert.next_attempt_at > now, Alert.id != alert_id
                ),
                func.max(Alert.sent_at),
            ).where(Alert.channel_id == channel_id)
        ).one()
        return bool(in_flight) or (last is not None and now - last < self.channel_interval)

    # -- deliver --------------------------------------------------------------------------------
    def deliver(self, claimed: _Claimed) -> bool:
        alert_id, channel, payload, attempts = (
            claimed.id,
            claimed.channel_id,
            claimed.payload,
            claimed.attempts,
        )
        if not claimed.active:
            self._finish(alert_id, "skipped", "the subscription is no longer active")
            return False
        outcome = self._send(channel, payload)
        if outcome.status == "sent":
            self._finish(alert_id, "sent", None)
            return True
        if outcome.status == "disable":
            self._finish(alert_id, "failed", outcome.error, subscription=("disabled", outcome.error))
            log.warning("alert %s to %s: subscription disabled: %s", alert_id, channel, outcome.error)
            return False
        if outcome.status == "retry" and attempts < self.max_attempts:
            delay = outcome.delay or min(300.0, 2.0**attempts)
            self._retry(alert_id, outcome.error, delay)
            log.info("alert %s to %s: retry in %.0fs (%s)", alert_id, channel, delay, outcome.error)
            return False
        reason = f"gave up after {attempts} attempts: {outcome.error}"
        self._finish(alert_id, "failed", reason, subscription=("broken", reason))
        log.error("alert %s to %s: %s", alert_id, channel, reason)
        return False

    def _send(self, channel: str, payload: dict) -> Outcome:  # type: ignore[type-arg]
        text, blocks = digest(payload)
        joined = False
        while True:
            try:
                self.client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False)
                return Outcome("sent")
            except SlackApiError as exc:
                error = str(exc.response.get("error", "")) or f"HTTP {exc.response.status_code}"
                if exc.response.status_code == 429:
                    return Outcome("retry", "rate limited (429)", _retry_after(exc.response.headers))
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

    def _finish(
        self,
        alert_id: int,
        status: str,
        error: str | None,
        subscription: tuple[str, str | None] | None = None,
    ) -> None:
        with db.transaction(self.engine) as session:
            alert = session.get_one(Alert, alert_id)
            alert.status, alert.last_error = status, error
            if status == "sent":
                alert.sent_at = utcnow()
            if subscription is not None:
                sub = session.get_one(Subscription, alert.subscription_id)
                sub.status, sub.status_reason = subscription

    def _retry(self, alert_id: int, error: str | None, delay: float) -> None:
        with db.transaction(self.engine) as session:
            alert = session.get_one(Alert, alert_id)
            alert.status, alert.last_error = "pending", error
            alert.next_attempt_at = utcnow() + timedelta(seconds=delay)

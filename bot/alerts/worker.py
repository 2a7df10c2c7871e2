"""The worker: delivers pending alerts from the outbox to Slack, each exactly once, on `threads` threads.

Each thread loops on its own: claim one due alert (bot.store.claims), post it outside any
transaction (bot.alerts.posting), record the outcome. So N threads post to N channels at once, and
a slow or hung post holds up only its own thread and channel.

Fan-out across workspaces: Slack limits chat.postMessage per app and workspace (bot.store.pacing
quotes its pages), so workspaces go in parallel and each is paced: one claim per workspace per
`team_interval` seconds, counted again from each post's answer, and every worker process reads the
same holds. A 429 holds its whole workspace for Retry-After, not a thread: the thread goes on to other
workspaces, and the alert goes out, once, when the hold ends. A thread with nothing to claim looks
again when the soonest hold on a workspace with alerts waiting ends (or after `poll`), so a paced
fan-out runs at its pace, not at the poll's.

Faults:
- The database goes away: claims wait with a short backoff; an outcome that cannot be recorded is
  retried (every <= 2 s) while the thread keeps the claim, renewing its lease when it can, so the
  alert is never posted again and is recorded within seconds of the database's return. One line is
  logged when the outage starts and one when it ends.
- A stop (SIGTERM): no new claims at once; posts in flight get `grace` seconds to finish and be
  recorded; what is still in flight then is abandoned with its lease kept, so a restart or another
  worker sends it once the lease runs out.
- A worker killed mid-run leaves its alert `sending`; once the lease runs out any worker claims it
  again, so nothing is lost. (If it died after Slack accepted the message but before recording it,
  that one message can go out twice: Slack has no idempotency key for chat.postMessage.)
Each channel gets at most one message per `channel_interval` seconds, its alerts in order.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.alerts.posting import Poster
from bot.contract.errors import SlackUnavailableError
from bot.slackapi.clients import web_client
from bot.store.claims import RELEASE, Claim, Claims, Outcome, UnsureClaimError

log = logging.getLogger(__name__)

# Platforms kill a process some seconds after SIGTERM (10 s here; Heroku and Kubernetes allow 30 s):
# posts in flight get this long, which leaves time to exit.
SHUTDOWN_GRACE_S = 8.0
# Waiting for the database: short, so that delivery resumes within seconds of its return.
RETRY_MIN_S, RETRY_MAX_S = 0.25, 2.0
# `run_once` waits out a workspace's pace and a Retry-After up to this long; a longer hold is left to
# the next run (a running worker waits out every hold).
SHORT_HOLD_S = 10.0


def unreachable(exc: BaseException) -> bool:
    """The database could not be reached, dropped the connection or asked for a retry: worth waiting
    for. Other database errors are bugs and raise."""
    return isinstance(exc, (OperationalError, InterfaceError, PoolTimeoutError)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


class Outage:
    """Logs a database outage once when some thread first meets it and once when one sees it end."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None

    def down(self, exc: BaseException) -> None:
        with self._lock:
            if self._since is None:
                self._since = time.monotonic()
                cause = getattr(exc, "orig", None) or exc
                first_line = (str(cause).strip().splitlines() or [""])[0]
                log.warning(
                    "database unavailable (%s: %s); alerts wait for it", type(cause).__name__, first_line
                )

    def up(self) -> None:
        if self._since is None:  # the common case, without the lock
            return
        with self._lock:
            if self._since is not None:
                log.warning("database back after %.1f s; delivering again", time.monotonic() - self._since)
                self._since = None


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
        grace: float = SHUTDOWN_GRACE_S,
        tokens: Callable[[str], str | None] | None = None,
        team_interval: float = 0.0,
    ) -> None:
        """`client` posts every alert (single mode); with `tokens` (OAuth mode), each workspace's alerts
        are posted with its installation's bot token, asked for each post (it may have rotated).
        `team_interval`: each workspace's pace in seconds (0: unpaced; a 429 still holds it); the
        worker command passes MODELCOST_ALERT_TEAM_INTERVAL's, 1 s unless set."""
        self.claims = Claims(
            engine,
            channel_interval=channel_interval,
            lease=lease,
            max_attempts=max_attempts,
            team_interval=team_interval,
            batch=max(64, 16 * threads),  # a search schedules many turns: fewer searches
        )
        self.team_interval = team_interval
        self.poster = Poster(client)
        self.tokens = tokens
        self._posters: dict[tuple[str, str], Poster] = {}  # (workspace, token) -> its poster
        self._base_url = client.base_url
        self.lease = lease
        self.grace = grace
        # On SQLite the threads take turns at the database (bot.store.claims); their posts run at once.
        self.threads = threads
        self.outage = Outage()
        self._lock = threading.Lock()
        self._held: dict[int, str] = {}  # alert id -> channel: claims this process holds right now
        self._halt = threading.Event()  # the grace after a stop ran out: stop waiting for the database

    # -- running ---------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Deliver every alert that is due now; returns how many were sent."""
        return self._run(threading.Event(), poll=None)

    def run_forever(
        self, stop: threading.Event, poll: float = 2.0, tick: Callable[[], None] | None = None
    ) -> None:
        """Deliver alerts until `stop` is set, then let posts in flight finish for up to `grace`
        seconds; `tick` runs every `poll` seconds on a thread of its own (the periodic feed sync)."""
        if tick is not None:
            threading.Thread(target=self._ticks, args=(stop, tick, poll), name="tick", daemon=True).start()
        self._run(stop, poll)

    def _run(self, stop: threading.Event, poll: float | None) -> int:
        sent = [0]
        threads = [
            threading.Thread(target=self._deliver, args=(stop, poll, sent), name=f"deliver-{i}", daemon=True)
            for i in range(max(1, self.threads))
        ]
        for t in threads:
            t.start()
        if poll is not None:
            while not stop.wait(1.0):  # a timed wait, so the signal handler that sets `stop` runs
                pass
            log.info("stopping: no new claims; posts in flight get %.0f s to finish", self.grace)
            deadline = time.monotonic() + self.grace
            for t in threads:
                t.join(max(0.0, deadline - time.monotonic()))
            self._halt.set()
            with self._lock:
                left = sorted(self._held.items())
            if left:
                log.warning(
                    "stopped with %d alert(s) in flight, left to a restart once their lease runs out: %s",
                    len(left),
                    ", ".join(f"{alert_id} to {channel}" for alert_id, channel in left),
                )
            return sent[0]
        for t in threads:
            t.join()
        return sent[0]

    def _deliver(self, stop: threading.Event, poll: float | None, sent: list[int]) -> None:
        """One delivery thread: claim and deliver until `stop` (or, with no `poll`, until none is due)."""
        wait = RETRY_MIN_S
        while not stop.is_set():
            try:
                delivered = self.step(stop)
            except Exception as exc:
                if not unreachable(exc):
                    if poll is None:
                        raise
                    # A bug: say so in full, and keep the other alerts moving.
                    log.exception("alert delivery failed unexpectedly; going on in %.0fs", poll)
                    stop.wait(poll)
                    continue
                self.outage.down(exc)
                if poll is None:
                    return  # run_once: the next run tries again
                stop.wait(wait)
                wait = min(wait * 2, RETRY_MAX_S)
                continue
            wait = RETRY_MIN_S
            if delivered is None:
                idle = self._idle(poll)
                if idle is None:
                    if poll is None:
                        return
                    idle = poll
                stop.wait(idle if poll is None else min(idle, poll))  # new alerts: within a poll
            elif delivered:
                with self._lock:
                    sent[0] += 1

    def _idle(self, poll: float | None) -> float | None:
        """Nothing to claim: seconds until the next alert found is let go by its workspace's hold, or
        else until the soonest hold on a workspace with alerts waiting ends (None: no such hold)."""
        try:
            idle = self.claims.ready_in()
            if idle is None:
                idle = self.claims.next_release(
                    max(SHORT_HOLD_S, self.team_interval) if poll is None else poll
                )
        except Exception as exc:
            if unreachable(exc):
                self.outage.down(exc)
                return None
            if poll is None:
                raise
            log.exception("looking for the next alert failed unexpectedly; going on in %.0fs", poll)
            return None
        return idle

    def _ticks(self, stop: threading.Event, tick: Callable[[], None], poll: float) -> None:
        while not stop.is_set():
            try:
                tick()
            except Exception as exc:  # the sync must survive a bad run; the next tick retries
                if unreachable(exc):
                    self.outage.down(exc)
                else:
                    log.exception("feed sync failed; retrying in %.0fs", poll)
            stop.wait(poll)

    # -- one alert --------------------------------------------------------------------------------
    def step(self, stop: threading.Event) -> bool | None:
        """Claim one due alert and deliver it: None when none is due, else whether it was sent."""
        with self._lock:
            held = list(self._held)
        try:
            claim = self.claims.claim(exclude=held)
        except UnsureClaimError as exc:
            self.outage.down(exc.__cause__ or exc)
            self._hold(exc.claim)
            try:  # it may have committed: give it back rather than leave it to its lease
                self.settle(exc.claim, RELEASE)
            finally:
                self._unhold(exc.claim)
            return False
        self.outage.up()
        if claim is None:
            return None
        self._hold(claim)
        try:
            if stop.is_set():  # stopped while claiming: give it back unposted
                self.settle(claim, RELEASE)
                return False
            outcome = self._post(claim)
            self.settle(claim, outcome)
            return outcome.status == "sent"
        finally:
            self._unhold(claim)

    def _post(self, claim: Claim) -> Outcome:
        if not claim.active:
            return Outcome("skip", "the subscription was disabled")
        try:
            poster = self._poster_for(claim.workspace)
            if poster is None:
                return Outcome("skip", "the app is not installed in this workspace")
            return poster.send(claim.channel_id, claim.payload)
        except SlackUnavailableError as exc:  # the workspace's token could not be refreshed: later
            return Outcome("retry", str(exc))
        except Exception as exc:  # recorded on the alert (and logged), never swallowed
            log.exception("alert %s to %s failed unexpectedly", claim.id, claim.channel_id)
            return Outcome("retry", f"unexpected error: {type(exc).__name__}: {exc}")

    def _poster_for(self, workspace: str) -> Poster | None:
        """The poster with the workspace's bot token; None when the app is not installed there."""
        if self.tokens is None:
            return self.poster
        token = self.tokens(workspace)
        if token is None:
            return None
        with self._lock:
            poster = self._posters.get((workspace, token))
            if poster is None:
                for old in [k for k in self._posters if k[0] == workspace]:  # a rotated token's
                    del self._posters[old]
                poster = self._posters[(workspace, token)] = Poster(
                    web_client(self._base_url, token, bounded=True)
                )
        return poster

    def settle(self, claim: Claim, outcome: Outcome) -> bool:
        """Record the outcome, retrying while the database is away. The claim stays held meanwhile
        (and its lease is renewed once half spent), so no thread of this process takes the alert over
        and no other worker does while its lease lasts. Gives up only when halted after a stop: the
        lease is kept, and a restart or another worker finishes the alert. False if not recorded."""
        wait = RETRY_MIN_S
        while True:
            try:
                # Giving a claim back needs no fresh lease (and it may never have committed).
                if outcome is not RELEASE and time.monotonic() - claim.claimed_at > self.lease / 2:
                    renewed = self.claims.renew(claim)
                    if renewed is None:
                        return False
                    claim = renewed
                recorded = self.claims.record(claim, outcome)
                self.outage.up()
                return recorded
            except DBAPIError as exc:
                if not unreachable(exc):
                    raise
                self.outage.down(exc)
            if self._halt.wait(wait):
                log.warning(
                    "alert %s to %s: outcome (%s) not recorded before the worker stopped; its lease keeps it",
                    claim.id,
                    claim.channel_id,
                    outcome.status,
                )
                return False
            wait = min(wait * 2, RETRY_MAX_S)

    def _hold(self, claim: Claim) -> None:
        with self._lock:
            self._held[claim.id] = claim.channel_id

    def _unhold(self, claim: Claim) -> None:
        with self._lock:
            self._held.pop(claim.id, None)

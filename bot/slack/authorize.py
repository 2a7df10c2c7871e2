"""Oauth mode's authorization without a database read per request: the callable Bolt's OAuth flow
authorizes each request with (its settings' `authorize`, set in bot/slack/oauth.py), called as Bolt calls
it, `authorize(context=..., enterprise_id=..., team_id=..., user_id=...)`, returning an AuthorizeResult or
None ("not installed"). It reads a workspace's installation from slack_sdk's store through
bot.slackapi.installs (refreshing a rotating token there, as the alert worker does), asks auth.test once
per token, and keeps each workspace's result in this process, dropped as soon as this process learns
that its installation changed, on any worker. It imports no Bolt module beyond those the package exports,
and extends no Bolt class.

What it keeps: the AuthorizeResult of a workspace (its bot token and ids), keyed by enterprise and team
as the store looks installations up, for the SIZE workspaces served last. The app asks for no user
scopes, so a result holds no user token and is the same for every user of the workspace.

How it stays right (bot/store/installations.py): every change of an installation's rows, an uninstall,
a token revocation, a token refresh or a re-install, on any worker or process, adds a versioned row to
installation_changes in the change's own transaction. Before serving from memory, a worker reads the
changes after the last version it saw when that read is more than CHECK_EVERY_S old (one query on a
primary key, empty when nothing changed: about one a second per worker, not one per request), and
drops the workspaces named there. So **a request arriving more than CHECK_EVERY_S (1 s) after the
change commits is never authorized with what the worker kept from before it**: its check started after
the commit, and saw it. An uninstalled or revoked workspace then gets Bolt's "not installed" reply, and
no token of its is used; a refreshed or re-installed one is served with its new token. Uninstall events
a worker handles itself drop the workspace at once (`forget`).

Each result is read again after MAX_AGE_S even if nothing changed, so a rotating token handed out from
memory always has at least ROTATE_WITHIN_MIN minus MAX_AGE_S left (the read refreshes it when it has
less than ROTATE_WITHIN_MIN).

While the database can't be read (the check fails), a workspace served before is served still, from
what is kept, as its questions are answered from the catalog's snapshot (bot.read.current); one never
served gets "unavailable" (bot/slack/oauth.py), never a 500; so does a workspace whose token is due for
a refresh that Slack refuses or can't be reached for. A change committed just before such an
outage is seen by the first check that succeeds after it; the bound above holds while the database
answers. A failed check is tried again CHECK_EVERY_S later, not by every request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from bot.contract.errors import SlackUnavailableError, TokenRefreshError
from bot.domain.workspaces import scope, workspace_key
from bot.slack.logtext import escape_records_of
from bot.slackapi.installs import Installs
from bot.store.installations import InstallationChange, changes_since, latest_version

log = escape_records_of(logging.getLogger(__name__))

CHECK_EVERY_S = 1.0  # the bound: changes committed this long before a request are seen by it
MAX_AGE_S = 600.0  # a kept result is read again after 10 minutes (a rotating token's margin is 120)
SIZE = 10_000  # workspaces kept per process (about 1.7 KB each), the least recently served dropped first
TESTED_TOKENS = 10_000  # auth.test results kept, one per token (a rotating token is new every 12 h)

Key = tuple[str | None, str | None]  # (enterprise id, team id or None for an org-wide install)


@dataclass(frozen=True, slots=True)
class _Kept:
    result: AuthorizeResult
    read_at: float  # clock() before it was read from the store


class KeptAuthorize:
    """Oauth mode's authorize, with the results kept as the module says. `installs` reads
    (and refreshes) the installations; `clock` is monotonic seconds (tests pass their own);
    `max_age_s=0` keeps nothing but what an outage needs (the bench's "before")."""

    def __init__(
        self,
        *,
        engine: Engine,
        installs: Installs,
        clock: Callable[[], float] = time.monotonic,
        max_age_s: float = MAX_AGE_S,
        size: int = SIZE,
    ) -> None:
        self.engine = engine
        self.installs = installs
        self.clock = clock
        self.max_age_s = max_age_s
        self.size = size
        self._kept: OrderedDict[Key, _Kept] = OrderedDict()
        self._tested: OrderedDict[str, AuthorizeResult] = OrderedDict()  # auth.test's, by token
        self._lock = threading.Lock()  # _kept, _tested and _drops
        self._drops = 0  # moves whenever a check or `forget` may have dropped something
        self._check_lock = threading.Lock()  # one check at a time
        self._seen: int | None = None  # the last installation version read
        self._checked_at: float | None = None  # clock() when the last check that succeeded started
        self._failed_at: float | None = None  # ... and when the last one that failed did

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        org_wide = bool(context.is_enterprise_install)
        key: Key = (enterprise_id, None if org_wide else team_id)
        checked = self._check()
        now = self.clock()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
            drops = self._drops
        if kept is not None:
            if not checked:
                return self._outage(key, kept)
            if now - kept.read_at < self.max_age_s:
                return kept.result
        try:
            result = self._read(context, workspace_key(enterprise_id, team_id, org_wide))
        except (DBAPIError, TokenRefreshError):
            if kept is None:
                raise  # "unavailable" (bot/slack/oauth.py)
            return self._outage(key, kept)
        with self._lock:
            if result is None:
                self._kept.pop(key, None)
            elif drops == self._drops:
                # (a check that ran meanwhile may have seen a change our read missed: not kept then)
                self._kept[key] = _Kept(result, now)
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return result

    def _read(self, context: BoltContext, workspace: str) -> AuthorizeResult | None:
        """The workspace's installation (its token refreshed when due), checked with auth.test once per
        token; None when it has none, or Slack no longer takes its token (Bolt answers "not installed").
        TokenRefreshError when its token is due for a refresh that Slack refuses or can't be reached for."""
        try:
            installation = self.installs.installation(workspace)
        except SlackUnavailableError:
            raise TokenRefreshError() from None
        if installation is None or installation.bot_token is None:
            return None
        token = installation.bot_token
        with self._lock:
            result = self._tested.get(token)
        if result is not None:
            return result
        try:
            response = context.client.auth_test(token=token)
        except SlackApiError as error:
            log.info("the bot token of %s is not valid: %s", workspace, error.response.get("error"))
            return None
        result = AuthorizeResult.from_auth_test_response(
            auth_test_response=response, bot_token=token, bot_scopes=installation.bot_scopes
        )
        with self._lock:
            self._tested[token] = result
            while len(self._tested) > TESTED_TOKENS:
                self._tested.popitem(last=False)  # the oldest: a rotated token's, most likely
        return result

    def forget(self, key: str) -> None:
        """An uninstalled workspace (a workspace key) is never served from memory again."""
        found = scope(key)
        self._drop([InstallationChange(0, found.enterprise_id, found.team_id)])

    def kept(self) -> int:
        """How many workspaces are kept now."""
        with self._lock:
            return len(self._kept)

    def _check(self) -> bool:
        """Whether what is kept was checked against the installation changes within CHECK_EVERY_S,
        reading them now when that is due; False when they can't be read."""
        if self._fresh(self.clock()):
            return True
        with self._check_lock:
            started = self.clock()
            if self._fresh(started):
                return True  # another thread checked while this one waited
            if self._failed_at is not None and started - self._failed_at < CHECK_EVERY_S:
                return False
            try:
                if self._seen is None:
                    self._seen = latest_version(self.engine)
                    self._drop(None)  # nothing can be kept yet; if it were, its version is unknown
                else:
                    found = changes_since(self.engine, self._seen)
                    if found.changes:
                        self._drop(found.changes if found.complete else None)
                    self._seen = found.version
            except DBAPIError as error:
                self._failed_at = started
                log.warning("installation changes unavailable (%s)", type(error).__name__)
                return False
            self._checked_at, self._failed_at = started, None
            return True

    def _fresh(self, now: float) -> bool:
        return self._checked_at is not None and now - self._checked_at < CHECK_EVERY_S

    def _drop(self, changes: list[InstallationChange] | tuple[InstallationChange, ...] | None) -> None:
        """Drop the workspaces of `changes` (everything, for None): the kept ones of the same team, or
        of the same enterprise (an org-wide install and its teams' are one scope for this)."""
        with self._lock:
            self._drops += 1
            if changes is None:
                self._kept.clear()
                return
            teams = {c.team_id for c in changes if c.team_id}
            enterprises = {c.enterprise_id for c in changes if c.enterprise_id}
            for key in [k for k in self._kept if k[1] in teams or k[0] in enterprises]:
                del self._kept[key]

    def _outage(self, key: Key, kept: _Kept) -> AuthorizeResult:
        log.warning("installations unavailable: serving %s with the installation kept in memory", key)
        return kept.result

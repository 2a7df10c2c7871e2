"""Slack users, as users.info tells, through one cache of its answers (UserInfo): who a user is to a
workspace (AdminCheck, for the app) and an admin's display name (DisplayNames, for the alerts worker).

Who a Slack user is to a workspace: one of its admins, one of its members, or an outsider (a user of
another team, in a channel shared through Slack Connect). Admins change the workspace's prices, scores
and aliases; members subscribe its channels; outsiders ask, and change nothing.

Slack's users.info answer, asked with the token of the workspace the request came from (oauth mode: its
installation's; single mode: SLACK_BOT_TOKEN) and cached a few minutes per workspace and user, says
which, for the installation's scope (bot.domain.workspaces):
- a workspace's install (`T1`, `E1:T1`; single mode: the bot token's team, as auth.test says): a member
  is a user of that very team (`team_id`, or in an Enterprise org `enterprise_user.teams`); an admin is
  one of its admins or owners;
- an org-wide install (`E1:`, one view for the whole org): a member is a user of the org
  (`enterprise_user.enterprise_id`); an admin is an org admin or owner (`enterprise_user.is_admin`,
  `is_owner`), never a mere workspace's admin, whose change would reach every workspace of the org.
Guests, deleted users and bots are never admins.

MODELCOST_ADMIN_USERS names admins who need no lookup. In single mode a bare user id is an admin, as
ever. A qualified entry names the installation it applies to, `T0123ABC:U0456DEF` (the team of a
workspace's install) or `E0123ABC:U0456DEF` (the enterprise of an org-wide install), and applies to that
one only; in oauth mode a bare id applies to no workspace (each is one tenant's; the app warns at start).

When Slack can't be asked (an error, a 429 past the retries, no answer), that is not a "no": the check
raises SlackUnavailableError, whose message tells the user to try again, and nothing runs.

Admins' display names for channel alerts: an alert names the admin who made a change instead of
mentioning them, so it pings nobody. A name that cannot be looked up is None (the alert says "an
admin"): it never holds up a delivery, and the failed lookup is not repeated for `FAILED_TTL_S`.

UserInfo keeps each users.info answer TTL_S per workspace and user. Several threads (the app's
request threads, the worker's posters) may want the same user at once: one of them asks Slack while
the others wait for its answer, so a hung users.info costs one timeout, not one per thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Literal  # Any: Slack's users.info answer, as JSON

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.contract.errors import SlackUnavailableError
from bot.domain.workspaces import SHARED, Scope, scope

log = logging.getLogger(__name__)

TTL_S = 300.0
FAILED_TTL_S = 30.0  # a display name that could not be looked up is not asked again for this long
# Answers that do settle the question: the user is not one this workspace can see.
NOT_A_USER = frozenset({"user_not_found", "user_not_visible"})

# A workspace key -> a Web API client with that workspace's bot token; None when it has none.
Clients = Callable[[str], WebClient | None]
Role = Literal["admin", "member", "outsider"]


class UserInfo:
    """users.info's `user` per workspace and user, kept `ttl` seconds. A failure to ask, or Slack's
    "no such user", is kept `failed_ttl` seconds (0: not kept, Slack is asked again next time)."""

    def __init__(self, clients: Clients, *, ttl: float = TTL_S, failed_ttl: float = 0.0) -> None:
        self.clients = clients
        self.ttl = ttl
        self.failed_ttl = failed_ttl
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}
        self._failed: dict[tuple[str, str], tuple[float, bool]] = {}  # (when, whether "no such user")
        self._asking: dict[tuple[str, str], threading.Lock] = {}

    def get(self, user_id: str, workspace: str = SHARED) -> dict[str, Any] | None:
        """The user as users.info tells; None when Slack says the workspace has no such user
        (NOT_A_USER); SlackUnavailableError when Slack can't be asked or doesn't answer."""
        key = (workspace, user_id)
        hit = self._kept(key)
        if hit is not None:
            return hit[0]
        with self._lock:
            asking = self._asking.setdefault(key, threading.Lock())
        with asking:  # one users.info per user at a time: the others take its answer
            hit = self._kept(key)
            if hit is not None:
                return hit[0]
            return self._ask(key)

    def client(self, workspace: str) -> WebClient:
        """The workspace's Web API client; SlackUnavailableError when it has no token (uninstalled)."""
        client = self.clients(workspace)
        if client is None:  # uninstalled meanwhile: nobody there can be asked about
            log.warning("no token for %s to check a user with", workspace or "the shared workspace")
            raise SlackUnavailableError()
        return client

    def _kept(self, key: tuple[str, str]) -> tuple[dict[str, Any] | None] | None:
        """(the user kept,) if one is; SlackUnavailableError for a failure kept; None if neither."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            failed = self._failed.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return (hit[1],)
        if failed is not None and now - failed[0] < self.failed_ttl:
            if failed[1]:
                return (None,)
            raise SlackUnavailableError()
        return None

    def _ask(self, key: tuple[str, str]) -> dict[str, Any] | None:
        workspace, user_id = key
        now = time.monotonic()
        try:
            user: dict[str, Any] = self.client(workspace).users_info(user=user_id).get("user") or {}
        except SlackApiError as exc:
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            if error in NOT_A_USER:
                self._remember_failure(key, absent=True)
                return None
            log.warning("users.info for %s failed: %s", user_id, error or f"HTTP {exc.response.status_code}")
            self._remember_failure(key, absent=False)
            raise SlackUnavailableError() from None
        except OSError as exc:  # urllib: refused, reset, timed out (after slack_sdk's retries)
            log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
            self._remember_failure(key, absent=False)
            raise SlackUnavailableError() from None
        with self._lock:
            self._cache[key] = (now, user)
            self._failed.pop(key, None)
        return user

    def _remember_failure(self, key: tuple[str, str], *, absent: bool) -> None:
        if self.failed_ttl > 0:
            with self._lock:
                self._failed[key] = (time.monotonic(), absent)


class AdminCheck:
    def __init__(self, users: UserInfo, admin_users: Iterable[str], *, oauth: bool = False) -> None:
        self.users = users
        self.oauth = oauth
        self.bare: frozenset[str] = frozenset(u for u in admin_users if ":" not in u)
        # user id -> the teams (or enterprises, for org-wide installs) where MODELCOST_ADMIN_USERS says so
        self.scoped: dict[str, frozenset[str]] = {}
        for entry in admin_users:
            where, sep, user = entry.partition(":")
            if sep and where and user:
                self.scoped[user] = self.scoped.get(user, frozenset()) | {where}
            elif sep:
                log.warning("MODELCOST_ADMIN_USERS: %r is not TEAM:USER; it is ignored", entry[:60])
        if oauth and self.bare:
            log.warning(
                "MODELCOST_ADMIN_USERS: %s apply to no workspace in oauth mode; name each one's workspace "
                "as TEAM:USER (T0123ABC:U0456DEF), or ENTERPRISE:USER for an org-wide install",
                ", ".join(sorted(self.bare)),
            )
        self._home: Scope | None = None  # single mode: the bot token's own workspace

    def is_admin(self, user_id: str, *, workspace: str = SHARED) -> bool:
        return self.role(user_id, workspace=workspace) == "admin"

    def is_member(self, user_id: str, *, workspace: str = SHARED) -> bool:
        return self.role(user_id, workspace=workspace) != "outsider"

    def role(self, user_id: str, *, workspace: str = SHARED) -> Role:
        """What the user is to the workspace; SlackUnavailableError when Slack can't say."""
        if not user_id:
            return "outsider"  # nobody to ask about
        if self._listed(user_id, workspace):
            return "admin"
        user = self.users.get(user_id, workspace)
        return "outsider" if user is None else role_of(user, self._scope(workspace))

    def _listed(self, user_id: str, workspace: str) -> bool:
        """Whether MODELCOST_ADMIN_USERS makes the user an admin of this workspace."""
        if not self.oauth and user_id in self.bare:
            return True
        teams = self.scoped.get(user_id)
        if not teams:
            return False
        where = self._scope(workspace)
        return (where.enterprise_id if where.is_enterprise_install else where.team_id) in teams

    def _scope(self, workspace: str) -> Scope:
        """The installation's enterprise and team: from its key, or in single mode from auth.test (once)."""
        if workspace != SHARED:
            return scope(workspace)
        if self._home is None:
            try:
                said = self.users.client(SHARED).auth_test()
            except (SlackApiError, OSError) as exc:
                log.warning("auth.test failed: %s", type(exc).__name__)
                raise SlackUnavailableError() from None
            enterprise = said.get("enterprise_id") or None
            org_wide = bool(said.get("is_enterprise_install"))
            self._home = Scope(enterprise, None if org_wide else said.get("team_id"), org_wide)
        return self._home


def role_of(user: dict[str, Any], where: Scope) -> Role:
    """What users.info's `user` is to the installation at `where` (see the module's docstring)."""
    org = user.get("enterprise_user") or {}
    if where.is_enterprise_install:
        member = where.enterprise_id is not None and org.get("enterprise_id") == where.enterprise_id
        powers = org.get("is_admin") or org.get("is_owner")
    else:
        member = where.team_id is not None and (
            user.get("team_id") == where.team_id
            or (
                where.enterprise_id is not None
                and org.get("enterprise_id") == where.enterprise_id
                and where.team_id in (org.get("teams") or ())
            )
        )
        powers = user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
    if not member:
        return "outsider"
    limited = (
        user.get("deleted")
        or user.get("is_restricted")
        or user.get("is_ultra_restricted")
        or user.get("is_bot")
    )
    return "admin" if powers and not limited else "member"


class DisplayNames:
    """Display names of the users of the workspace `client` posts to."""

    def __init__(self, client: WebClient, *, ttl: float = TTL_S) -> None:
        self.users = UserInfo(lambda _workspace: client, ttl=ttl, failed_ttl=FAILED_TTL_S)

    def get(self, user_id: str) -> str | None:
        """The user's display name, else their real name, else None."""
        try:
            user = self.users.get(user_id)
        except SlackUnavailableError:
            return None  # logged; not asked again for FAILED_TTL_S: the alert says "an admin"
        if user is None:
            return None
        profile = user.get("profile") or {}
        candidates = (profile.get("display_name"), profile.get("real_name"), user.get("real_name"))
        return next((n.strip() for n in candidates if isinstance(n, str) and n.strip()), None)

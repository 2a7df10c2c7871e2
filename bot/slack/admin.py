"""Who may change the catalog: the workspace's admins and owners (users.info, cached a few minutes)
plus the user IDs in MODELCOST_ADMIN_USERS. Guests, deleted users and other members may not.

Slack is asked with the token of the workspace the request came from (oauth mode: its installation's;
single mode: SLACK_BOT_TOKEN), and answers are cached per workspace.

When Slack can't be asked (an error, a 429 past the retries, no answer), that is not a "no": the
check raises SlackUnavailableError, whose message tells the user to try again, and nothing runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.catalog.workspaces import SHARED
from bot.errors import SlackUnavailableError

log = logging.getLogger(__name__)

TTL_S = 300.0
# Answers that do settle the question: the user is not one of this workspace's.
NOT_A_USER = frozenset({"user_not_found", "user_not_visible"})

# A workspace key -> a Web API client with that workspace's bot token; None when it has none.
Clients = Callable[[str], WebClient | None]


class AdminCheck:
    def __init__(self, clients: Clients, admin_users: frozenset[str], *, ttl: float = TTL_S) -> None:
        self.clients = clients
        self.admin_users = admin_users
        self.ttl = ttl
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[float, bool]] = {}

    def is_admin(self, user_id: str, *, workspace: str = SHARED) -> bool:
        if not user_id:
            return False
        if user_id in self.admin_users:
            return True
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get((workspace, user_id))
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        client = self.clients(workspace)
        if client is None:  # uninstalled meanwhile: nobody there can be asked about
            log.warning("no token for %s to check an admin with", workspace or "the shared workspace")
            raise SlackUnavailableError()
        try:
            user = client.users_info(user=user_id).get("user") or {}
        except SlackApiError as exc:
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            if error in NOT_A_USER:
                return False
            # Not cached: Slack may answer next time. Nothing runs meanwhile.
            log.warning("users.info for %s failed: %s", user_id, error or f"HTTP {exc.response.status_code}")
            raise SlackUnavailableError() from None
        except OSError as exc:  # urllib: refused, reset, timed out (after slack_sdk's retries)
            log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
            raise SlackUnavailableError() from None
        allowed = bool(
            (user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
            and not user.get("deleted")
            and not user.get("is_restricted")
            and not user.get("is_ultra_restricted")
            and not user.get("is_bot")
        )
        with self._lock:
            self._cache[(workspace, user_id)] = (now, allowed)
        return allowed

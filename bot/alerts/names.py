"""Admins' display names for channel alerts (Slack users.info, cached a few minutes).

An alert names the admin who made a change instead of mentioning them, so it pings nobody. A name
that cannot be looked up is None (the alert says "an admin"): it never holds up a delivery.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

TTL_S = 300.0


class DisplayNames:
    def __init__(self, client: WebClient, *, ttl: float = TTL_S) -> None:
        self.client = client
        self.ttl = ttl
        self._lock = threading.Lock()  # the worker delivers from several threads
        self._cache: dict[str, tuple[float, str | None]] = {}

    def get(self, user_id: str) -> str | None:
        """The user's display name, else their real name, else None."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(user_id)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
        except (SlackApiError, OSError) as exc:
            # Not cached: Slack may answer next time. The alert goes out now, saying "an admin".
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
            log.warning("users.info for %s failed: %s", user_id, error)
            return None
        profile = user.get("profile") or {}
        candidates = (profile.get("display_name"), profile.get("real_name"), user.get("real_name"))
        name = next((n.strip() for n in candidates if isinstance(n, str) and n.strip()), None)
        with self._lock:
            self._cache[user_id] = (now, name)
        return name

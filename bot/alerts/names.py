"""Admins' display names for channel alerts (Slack users.info, cached a few minutes).

An alert names the admin who made a change instead of mentioning them, so it pings nobody. A name
that cannot be looked up is None (the alert says "an admin"): it never holds up a delivery. The worker
posts from several threads: one of them asks Slack about a user while the others wait for its answer,
and a failed lookup is not repeated for `FAILED_TTL_S`, so a hung users.info costs one timeout, not
one per thread.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

TTL_S = 300.0
FAILED_TTL_S = 30.0


class DisplayNames:
    def __init__(self, client: WebClient, *, ttl: float = TTL_S) -> None:
        self.client = client
        self.ttl = ttl
        self._lock = threading.Lock()  # the worker delivers from several threads
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._failed: dict[str, float] = {}
        self._asking: dict[str, threading.Lock] = {}

    def get(self, user_id: str) -> str | None:
        """The user's display name, else their real name, else None."""
        name, known = self._cached(user_id)
        if known:
            return name
        with self._lock:
            asking = self._asking.setdefault(user_id, threading.Lock())
        with asking:  # one users.info per user at a time: the others take its answer
            name, known = self._cached(user_id)
            if known:
                return name
            return self._ask(user_id)

    def _cached(self, user_id: str) -> tuple[str | None, bool]:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(user_id)
            failed = self._failed.get(user_id)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1], True
        if failed is not None and now - failed < FAILED_TTL_S:
            return None, True
        return None, False

    def _ask(self, user_id: str) -> str | None:
        now = time.monotonic()
        try:
            user = self.client.users_info(user=user_id).get("user") or {}
        except (SlackApiError, OSError) as exc:
            # Remembered briefly: Slack may answer soon. The alert goes out now, saying "an admin".
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
            log.warning("users.info for %s failed: %s", user_id, error)
            with self._lock:
                self._failed[user_id] = time.monotonic()
            return None
        profile = user.get("profile") or {}
        candidates = (profile.get("display_name"), profile.get("real_name"), user.get("real_name"))
        name = next((n.strip() for n in candidates if isinstance(n, str) and n.strip()), None)
        with self._lock:
            self._cache[user_id] = (now, name)
            self._failed.pop(user_id, None)
        return name

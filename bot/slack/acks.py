"""Acking the slash command within Slack's 3 seconds.

A reply already made for the same text (and the same catalog) goes straight back in the ack. A
question the catalog's snapshot in memory answers is answered in the ack, in the request's thread.
Otherwise the reply is made on a worker thread: if it is ready within `ack_budget` seconds (the
catalog answers in milliseconds, so it nearly always is) it goes back in the ack itself; otherwise
the ack says "working on it" and the reply follows through response_url. With the database down,
the ack says the catalog is unavailable (see gate.py), or is the reply kept, possibly out of date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any  # Any: Bolt's ack and payloads are untyped

from bot.contract.errors import CatalogUnavailableError
from bot.contract.requests import CatalogRead
from bot.domain.workspaces import SHARED
from bot.read import current
from bot.render import blocks
from bot.render.kit import Message
from bot.slack import metrics
from bot.slack.cache import ack_json
from bot.slack.dispatch import parsed
from bot.slack.replies import Replies, post

log = logging.getLogger(__name__)

ACK_BUDGET_S = 1.5  # Slack waits 3 s for the ack, network included


class CommandAcks:
    """Acks `/modelcost` with its reply, or with "working on it" and the reply sent later."""

    def __init__(self, replies: Replies, pool: Executor, *, ack_budget: float = ACK_BUDGET_S) -> None:
        self.replies = replies
        self.pool = pool
        self.ack_budget = ack_budget  # 0: always answer through response_url

    # Any: Bolt's ack and the command's form fields.
    def command(self, ack: Callable[..., Any], payload: dict[str, Any], *, workspace: str = SHARED) -> None:
        """Reply in the ack when the reply is ready in time, else via response_url."""
        replies = self.replies
        text = payload.get("text") or ""
        user, channel = payload.get("user_id", ""), payload.get("channel_id", "")
        if replies.gate.ready:  # before the catalog is prepared, that work belongs on a worker thread
            try:
                cached = replies.cache.get(text.strip(), workspace)
            except CatalogUnavailableError:
                cached = None  # answered below, from the stale cache or as "unavailable"
            if cached is not None:
                if current.unreachable(replies.engine):
                    metrics.replied("stale")
                    ack(ack_json(blocks.possibly_stale(cached.message)))
                else:
                    metrics.replied("cached")
                    ack(cached.json)  # encoded once, when it was first served again
                return
            if (
                self.ack_budget > 0
                and current.held(replies.engine, workspace)
                and isinstance(parsed(text.strip()), CatalogRead)
            ):
                # Answered from the snapshot in memory, in well under a millisecond or two, with no I/O:
                # here, rather than on a worker thread whose hop costs as much (under gevent, too).
                ack(ack_json(replies.message(user, channel, text, workspace=workspace)))
                return
        future = self.pool.submit(replies.message, user, channel, text, workspace=workspace)
        if self.ack_budget > 0:
            try:
                message = future.result(timeout=self.ack_budget)
            except FutureTimeout:
                pass
            else:
                ack(ack_json(message))
                return
        ack(ack_json(blocks.working_message()))
        response_url = payload.get("response_url")
        future.add_done_callback(lambda done: _deliver(done, response_url))


def _deliver(done: Future[Message], response_url: str | None) -> None:
    if done.exception() is not None:
        log.error("answering failed", exc_info=done.exception())
        message = blocks.failure_message()
    else:
        message = done.result()
    post(message, response_url, "ephemeral", replace=True)

"""Turning a command into a reply within Slack's 3 seconds.

A reply already made for the same text (and the same catalog) goes straight back in the ack.
Otherwise the answer is computed on a worker thread: if it is ready within `ack_budget` seconds
(the catalog answers in milliseconds, so it nearly always is) it goes back in the ack itself;
otherwise the ack says "working on it" and the answer follows through response_url.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Literal

from sqlalchemy import Engine

from bot.catalog import current
from bot.config import Settings
from bot.errors import UserError
from bot.render import blocks
from bot.render.blocks import Message
from bot.slack.admin import AdminCheck
from bot.slack.cache import SIZE, ReplyCache
from bot.slack.clients import post_response
from bot.slack.dispatch import cacheable, run_command

log = logging.getLogger(__name__)

ACK_BUDGET_S = 1.5  # Slack waits 3 s for the ack, network included
WORKERS = 8


class Replier:
    """Answers commands and button clicks for one app: owns the worker threads."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        admins: AdminCheck | None = None,
        ack_budget: float = ACK_BUDGET_S,
        cache_size: int = SIZE,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.admins = admins
        self.ack_budget = ack_budget  # 0: always answer through response_url
        # The catalog's snapshot is kept fresh off the request path; its version tags cached replies.
        self.cache = ReplyCache(current.watch(engine), size=cache_size)  # 0: no cache
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="modelcost")

    def message(self, user_id: str, channel_id: str, text: str, *, shared_by: str | None = None) -> Message:
        """The rendered reply to `text`: an answer, or the friendly message for an expected error."""
        query = text.strip()
        # Only cacheable commands are ever put in the cache, so a hit needs no parse.
        if shared_by is None and (cached := self.cache.get(query)) is not None:
            return cached
        keep = shared_by is None and self.cache.enabled and cacheable(query)
        before = self.cache.read_version() if keep else None
        try:
            answer = run_command(self.settings, self.engine, user_id, channel_id, query, self.admins)
        except UserError as exc:
            message = blocks.error_message(exc, query=query)
        else:
            message = blocks.answer_message(answer, query=query, shared_by=shared_by)
        if keep:
            self.cache.put(query, message, before, self.cache.read_version())
        elif self.cache.enabled:
            self.cache.read_version()  # a change made here shows in this process's next reply at once
        return message

    def command(self, ack: Callable[..., Any], payload: dict[str, Any]) -> None:
        """The slash command: reply in the ack when the answer is ready in time, else via response_url."""
        text = payload.get("text") or ""
        if (cached := self.cache.get(text.strip())) is not None:
            ack(response_type="ephemeral", **cached)
            return
        future = self._pool.submit(
            self.message, payload.get("user_id", ""), payload.get("channel_id", ""), text
        )
        if self.ack_budget > 0:
            try:
                message = future.result(timeout=self.ack_budget)
            except FutureTimeout:
                pass
            else:
                ack(response_type="ephemeral", **message)
                return
        ack(response_type="ephemeral", **blocks.working_message())
        response_url = payload.get("response_url")
        future.add_done_callback(lambda done: self._deliver(done, response_url, "ephemeral", replace=True))

    def click(self, payload: dict[str, Any], *, share: bool) -> None:
        """A button: run the command in its value; Share posts it visibly, others privately."""
        action = (payload.get("actions") or [{}])[0]
        user_id = (payload.get("user") or {}).get("id", "")
        channel_id = (payload.get("channel") or {}).get("id", "")
        text = action.get("value") or ""
        future = self._pool.submit(
            self.message, user_id, channel_id, text, shared_by=user_id if share else None
        )
        visibility: Literal["ephemeral", "in_channel"] = "in_channel" if share else "ephemeral"
        # A "did you mean" choice replaces the error it answers; other buttons add a message.
        replace = str(action.get("action_id", "")).startswith(blocks.ACTION_SUGGEST)
        future.add_done_callback(
            lambda done: self._deliver(done, payload.get("response_url"), visibility, replace=replace)
        )

    def _deliver(
        self,
        done: Future[Message],
        response_url: str | None,
        visibility: Literal["ephemeral", "in_channel"],
        *,
        replace: bool,
    ) -> None:
        if done.exception() is not None:
            log.error("answering failed", exc_info=done.exception())
            message = blocks.failure_message()
        else:
            message = done.result()
        if not response_url:
            log.error("no response_url to answer with")
            return
        post_response(response_url, {**message, "response_type": visibility, "replace_original": replace})

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        current.unwatch(self.engine)

"""`/modelcost reprice`, its Share button and the "Re-price this usage file" message shortcut (issue 29):
each queues a job (bot.store.reprice_jobs) that `modelcost worker` runs (bot.alerts.reprice), and acks
at once, the command with "Re-pricing your usage file…".

The web tier never reads the file: re-pricing a 100,000-row export is about a second of CPU, which
under gevent would stall every other request of its worker meanwhile. The job row holds who, where,
which file (by id) and the options, never the file or the answer; the worker answers privately
through the response_url, with a Share button whose click queues the same job again, answered in the
channel. Nothing of it goes through the reply cache (bot/slack/cache.py): a request that reads a file
never reaches it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any  # Any: Bolt's ack and payloads are untyped

from sqlalchemy import Engine

from bot.config import Settings
from bot.contract.errors import CatalogUnavailableError, UserError
from bot.contract.requests import RepriceRequest
from bot.domain.workspaces import SHARED
from bot.render import blocks
from bot.render import reprice as rendered
from bot.render.kit import Message
from bot.slack.cache import ack_json
from bot.slack.gate import CatalogGate
from bot.slack.replies import Visibility, post
from bot.slackapi.files import likeliest
from bot.store.reprice_jobs import JobSpec, queue_for

log = logging.getLogger(__name__)


class Reprices:
    """Queues reprice jobs from the command, the Share button and the message shortcut."""

    def __init__(self, settings: Settings, engine: Engine, gate: CatalogGate, pool: Executor) -> None:
        self.gate = gate
        self.pool = pool
        self.jobs = queue_for(settings, engine)

    # Any: Bolt's ack and the command's form fields.
    def command(
        self,
        ack: Callable[..., Any],
        payload: dict[str, Any],
        request: RepriceRequest,
        *,
        workspace: str = SHARED,
    ) -> None:
        """Queue the user's newest file in this conversation, and ack that it is being re-priced."""
        spec = JobSpec(
            workspace=workspace,
            user_id=str(payload.get("user_id") or ""),
            channel_id=str(payload.get("channel_id") or ""),
            file_id=None,
            on=tuple(request.on),
            category=request.category,
            response_url=str(payload.get("response_url") or ""),
        )
        if not self.gate.ready:  # the catalog's first preparation may take a while: not in the ack
            self.pool.submit(self._queue_later, spec)
        else:
            try:
                self.gate.run(lambda: self.jobs.queue(spec))
            except CatalogUnavailableError as exc:
                ack(ack_json(blocks.error_message(exc, query="reprice")))
                return
        ack(ack_json(rendered.working_message()))

    # Any: Bolt's block_actions payload.
    def share(self, payload: dict[str, Any], *, workspace: str = SHARED) -> None:
        """The Share button (acked already): the same file and options, answered in the channel."""
        action = (payload.get("actions") or [{}])[0]
        shared = rendered.read_share_value(str(action.get("value") or ""))
        if shared is None:
            log.warning("a reprice Share button with a value of another shape; ignored")
            return
        file_id, on, category = shared
        spec = JobSpec(
            workspace=workspace,
            user_id=str((payload.get("user") or {}).get("id") or ""),
            channel_id=str((payload.get("channel") or {}).get("id") or ""),
            file_id=file_id,
            on=on,
            category=category,
            share=True,
            response_url=str(payload.get("response_url") or ""),
        )
        self.pool.submit(self._queue_later, spec)

    # Any: Bolt's message_action payload.
    def shortcut(self, payload: dict[str, Any], *, workspace: str = SHARED) -> None:
        """The message shortcut (acked already): the message's file (its CSV, if it has several)."""
        files = [f for f in (payload.get("message") or {}).get("files") or [] if f.get("id")]
        response_url = str(payload.get("response_url") or "")
        if not files:
            text = "That message has no file. Use the shortcut on the message that shares the usage export."
            self.pool.submit(_say, rendered.refusal_message(text), response_url, "ephemeral")
            return
        spec = JobSpec(
            workspace=workspace,
            user_id=str((payload.get("user") or {}).get("id") or ""),
            channel_id=str((payload.get("channel") or {}).get("id") or ""),
            file_id=str(likeliest(files)["id"]),
            response_url=response_url,
        )
        self.pool.submit(self._queue_later, spec, working=True)

    def _queue_later(self, spec: JobSpec, *, working: bool = False) -> None:
        """Queue on a worker thread; the user is told privately if it can't be."""
        try:
            self.gate.run(lambda: self.jobs.queue(spec))
        except UserError as exc:
            _say(blocks.error_message(exc, query="reprice"), spec.response_url, "ephemeral")
            return
        except Exception:
            log.exception("queueing a reprice job failed")
            _say(blocks.failure_message(), spec.response_url, "ephemeral")
            return
        if working:
            _say(rendered.working_message(), spec.response_url, "ephemeral")


def _say(message: Message, response_url: str, visibility: Visibility) -> None:
    post(message, response_url, visibility, replace=False)

"""Turning a command into a reply within Slack's 3 seconds.

A reply already made for the same text (and the same catalog) goes straight back in the ack.
Otherwise the answer is computed on a worker thread: if it is ready within `ack_budget` seconds
(the catalog answers in milliseconds, so it nearly always is) it goes back in the ack itself;
otherwise the ack says "working on it" and the answer follows through response_url.
With the database down, the ack says the catalog is unavailable (see gate.py).

Each command and click is answered for its workspace (bot.domain.workspaces: SHARED in single
mode, the installation's key in oauth mode): it is asked as that workspace, its replies are cached
as that workspace's, and Slack is called with that workspace's token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Literal  # Any: Bolt's ack and payloads are untyped

from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from bot.config import Settings
from bot.contract.answers import Answer
from bot.contract.errors import CatalogUnavailableError, NoChartError, UserError
from bot.contract.requests import CatalogRead, Request
from bot.domain.workspaces import SHARED
from bot.read import current
from bot.render import blocks, kit
from bot.render.blocks import ChartOffer
from bot.render.kit import COMMAND, Message
from bot.slack import charts
from bot.slack.cache import SIZE, ReplyCache, ack_json
from bot.slack.dispatch import cacheable, changes_catalog, check_command, parsed, run_command
from bot.slack.gate import CatalogGate
from bot.slackapi.clients import post_response
from bot.slackapi.users import AdminCheck, Clients

log = logging.getLogger(__name__)

ACK_BUDGET_S = 1.5  # Slack waits 3 s for the ack, network included
WORKERS = 8


class Replier:
    """Answers commands and button clicks for one app: owns the worker threads.

    It never lets an error through to Bolt (which would answer Slack 500): an expected one becomes
    its friendly message, a database that can't be reached "unavailable" (or the reply kept for
    the same text, marked as possibly out of date), anything else "something went wrong" with its
    traceback in the log.
    """

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        admins: AdminCheck | None = None,
        ack_budget: float = ACK_BUDGET_S,
        cache_size: int = SIZE,
        gate: CatalogGate | None = None,
        clients: Clients | None = None,
        public_url: str | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.admins = admins
        self.ack_budget = ack_budget  # 0: always answer through response_url
        self.gate = gate or CatalogGate(engine)
        # The catalog's snapshot is kept fresh off the request path (bot.read.current); its version
        # tags cached replies. Reading it touches the database only before the first snapshot or right
        # after a write here, and then through the gate, so an outage is "unavailable", never a 500.
        version = current.watch(engine)
        self.cache = ReplyCache(lambda: self.gate.run(version), size=cache_size)  # 0: no cache
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="modelcost")
        # A workspace's Web API client: uploads charts (files_upload_v2) when there is no public URL.
        self.clients = clients
        secret = settings.slack_signing_secret
        self.charts = charts.ChartLinks(
            secret.get_secret_value() if secret else "",
            public_url,
            answer=lambda text, workspace: self.gate.run(
                lambda: run_command(
                    self.settings, self.engine, "", "", text, self.admins, workspace=workspace
                )
            ),
            version=lambda: self.gate.run(version),
        )

    def message(
        self,
        user_id: str,
        channel_id: str,
        text: str,
        *,
        shared_by: str | None = None,
        workspace: str = SHARED,
    ) -> Message:
        """The rendered reply to `text`: an answer, or the friendly message for an expected error."""
        return self._reply(user_id, channel_id, text, shared_by=shared_by, workspace=workspace)[0]

    def _reply(
        self,
        user_id: str,
        channel_id: str,
        text: str,
        *,
        shared_by: str | None = None,
        workspace: str = SHARED,
    ) -> tuple[Message, bool]:
        """(the message, whether it is an answer); never raises."""
        query = text.strip()
        try:
            message = self._answer(user_id, channel_id, query, shared_by=shared_by, workspace=workspace)
            # The database is away: the answer came from the snapshot held; say it may be out of date.
            return (blocks.possibly_stale(message) if current.unreachable(self.engine) else message), True
        except CatalogUnavailableError as exc:
            stale = self.cache.stale(query, workspace) if shared_by is None else None
            if stale is not None:
                return blocks.possibly_stale(stale), True
            return blocks.error_message(exc, query=query), False
        except UserError as exc:
            writes = changes_catalog(parsed(query))
            return blocks.error_message(exc, query=query, changes_catalog=writes), False
        except Exception:
            log.exception("answering %r failed", query[:100])
            return blocks.failure_message(), False

    def _answer(
        self, user_id: str, channel_id: str, query: str, *, shared_by: str | None, workspace: str
    ) -> Message:
        # Only cacheable commands are ever put in the cache, so a hit needs no parse.
        if shared_by is None and (cached := self.cache.get(query, workspace)) is not None:
            return cached.message
        reusable = shared_by is None and self.cache.enabled and cacheable(query)
        keep = reusable and self.cache.admit(query, workspace)  # asked before: likely asked again
        before = self.cache.read_version() if keep else None
        answer = self.gate.run(
            lambda: run_command(
                self.settings, self.engine, user_id, channel_id, query, self.admins, workspace=workspace
            )
        )
        message = self._with_chart(
            query,
            answer,
            blocks.answer_message(answer, query=query, shared_by=shared_by),
            shared_by,
            workspace,
        )
        if keep:
            self.cache.put(query, message, before, self.cache.read_version(), workspace)
        elif self.cache.enabled and not reusable:
            self.cache.read_version()  # a change made here shows in this process's next reply at once
        return message

    def _with_chart(
        self, query: str, answer: Answer, message: Message, shared_by: str | None, workspace: str
    ) -> Message:
        """The reply with its chart offered: an image the app serves, or a button that uploads it
        (no drawing here: the link is made from the answer, the PNG drawn when it is fetched)."""
        if not charts.charted(answer):
            return message
        url = self.charts.link(query, answer, workspace)
        if url is None and self.clients is None:
            return message
        request = parsed(query)
        if request is not None and request.chart_only:
            offer = ChartOffer(url, charts.alt_text(answer), charts.title(answer))
            return blocks.chart_message(offer, query=query, shared=shared_by is not None)
        # An image has alt text and a title; the button that uploads the chart needs neither.
        offer = (
            ChartOffer(url, charts.alt_text(answer), charts.title(answer)) if url else ChartOffer(None, "")
        )
        return blocks.with_chart(message, offer, query=query, button=shared_by is None)

    def upload_chart(self, payload: dict[str, Any], *, workspace: str = SHARED) -> None:
        """The "Post chart to channel" button: draw the chart of the command in its value and upload
        it to the channel (files_upload_v2); a failure is told to the clicker alone."""
        action = (payload.get("actions") or [{}])[0]
        user_id = (payload.get("user") or {}).get("id", "")
        channel_id = (payload.get("channel") or {}).get("id", "")
        text = str(action.get("value") or "").strip()
        response_url = payload.get("response_url")

        def failed(done: Future[Message | None]) -> None:
            message = done.result() if done.exception() is None else blocks.failure_message()
            if done.exception() is not None:
                log.error("posting a chart failed", exc_info=done.exception())
            if message is not None:
                self._post(message, response_url, "ephemeral", replace=False)

        self._pool.submit(self._upload, user_id, channel_id, text, workspace).add_done_callback(failed)

    def _upload(self, user_id: str, channel_id: str, text: str, workspace: str) -> Message | None:
        """None once posted; else the message saying why not."""
        request = parsed(text)
        client = self.clients(workspace) if self.clients is not None else None
        if request is None or not request.cacheable or client is None or not channel_id:
            return blocks.error_message(NoChartError("There is no chart to post for that."), query=text)
        try:
            answer = self.gate.run(
                lambda: run_command(
                    self.settings, self.engine, user_id, channel_id, text, self.admins, workspace=workspace
                )
            )
            png = self.charts.draw(answer)
            if png is None:
                raise NoChartError("That answer has no chart.")
        except UserError as exc:
            return blocks.error_message(exc, query=text)
        try:
            client.files_upload_v2(
                channel=channel_id,
                file=png,
                filename="modelcost-chart.png",
                title=charts.title(answer),
                alt_txt=charts.alt_text(answer),
                initial_comment=f"<@{kit.user_mention_id(user_id)}> posted {kit.escape(COMMAND)} "
                f"{kit.escape(kit.clip(text, 200))}",
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "")) if exc.response is not None else ""
            log.warning("chart upload to %s refused: %s", channel_id, error)
            why = (
                "invite me to this channel first (/invite @modelcost)"
                if error == "not_in_channel"
                else f"Slack said {error or 'no'}"
            )
            return blocks.error_message(NoChartError(f"I couldn't post the chart here: {why}."), query=text)
        return None

    def command(self, ack: Callable[..., Any], payload: dict[str, Any], *, workspace: str = SHARED) -> None:
        """The slash command: reply in the ack when the answer is ready in time, else via response_url."""
        text = payload.get("text") or ""
        if self.gate.ready:  # before the catalog is prepared, that work belongs on a worker thread
            try:
                cached = self.cache.get(text.strip(), workspace)
            except CatalogUnavailableError:
                cached = None  # answered below, from the stale cache or as "unavailable"
            if cached is not None:
                if current.unreachable(self.engine):
                    ack(ack_json(blocks.possibly_stale(cached.message)))
                else:
                    ack(cached.json)  # encoded once, when it was first served again
                return
            if (
                self.ack_budget > 0
                and current.held(self.engine, workspace)
                and isinstance(parsed(text.strip()), CatalogRead)
            ):
                # Answered from the snapshot in memory, in well under a millisecond or two, with no I/O:
                # here, rather than on a worker thread whose hop costs as much (under gevent, too).
                user, channel = payload.get("user_id", ""), payload.get("channel_id", "")
                ack(ack_json(self.message(user, channel, text, workspace=workspace)))
                return
        future = self._pool.submit(
            self.message, payload.get("user_id", ""), payload.get("channel_id", ""), text, workspace=workspace
        )
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
        future.add_done_callback(lambda done: self._deliver(done, response_url, "ephemeral", replace=True))

    def click(self, payload: dict[str, Any], *, share: bool, workspace: str = SHARED) -> None:
        """A button: run the command in its value; Share posts it visibly, others privately.

        A command that changes the catalog runs only from a button Slack asked the user to confirm
        (ACTION_CONFIRM); from any other button it comes back as text with such a button.
        """
        action = (payload.get("actions") or [{}])[0]
        user_id = (payload.get("user") or {}).get("id", "")
        channel_id = (payload.get("channel") or {}).get("id", "")
        text = action.get("value") or ""
        action_id = str(action.get("action_id", ""))
        # A "did you mean" choice (or its confirmation) replaces the error it answers; others add a message.
        replace = action_id.startswith((kit.ACTION_SUGGEST, kit.ACTION_CONFIRM))
        request = parsed(text)
        if not action_id.startswith(kit.ACTION_CONFIRM) and changes_catalog(request):
            assert request is not None  # changes_catalog says so
            reply = self._pool.submit(self._unconfirmed, user_id, channel_id, request, text, workspace)
        else:
            reply = self._pool.submit(
                self._reply,
                user_id,
                channel_id,
                text,
                shared_by=user_id if share else None,
                workspace=workspace,
            )
        response_url = payload.get("response_url")

        def deliver(done: Future[tuple[Message, bool]]) -> None:
            message, answered = done.result()
            # Only an answer is ever posted for the channel to see: an error goes to the clicker alone.
            visibility: Literal["ephemeral", "in_channel"] = "ephemeral"
            if share and answered:
                visibility = "in_channel"
            self._post(message, response_url, visibility, replace=replace)

        reply.add_done_callback(deliver)

    def _unconfirmed(
        self, user_id: str, channel_id: str, request: Request, text: str, workspace: str
    ) -> tuple[Message, bool]:
        """A change brought by a button that did not ask to confirm it: someone who may make it is
        shown the command with a button that does; anyone else gets the refusal, and nothing runs."""
        try:
            check_command(self.settings, user_id, channel_id, request, self.admins, workspace=workspace)
        except UserError as exc:
            return blocks.error_message(exc, query=text, changes_catalog=True), False
        return blocks.confirm_message(text), False

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
        self._post(message, response_url, visibility, replace=replace)

    @staticmethod
    def _post(
        message: Message,
        response_url: str | None,
        visibility: Literal["ephemeral", "in_channel"],
        *,
        replace: bool,
    ) -> None:
        if not response_url:
            log.error("no response_url to answer with")
            return
        post_response(response_url, {**message, "response_type": visibility, "replace_original": replace})

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        current.unwatch(self.engine)

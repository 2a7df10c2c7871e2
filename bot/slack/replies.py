"""The reply to a command's text, for a workspace: the one place commands, clicks and the App Home
get their messages from.

A reply kept for the same text (and the same catalog) is served from the reply cache
(bot/slack/cache.py); otherwise the command is run through the catalog gate (gate.py), its answer
rendered, and its chart offered (a link the app serves, or a button that uploads it: charts.py).
With the database down, the reply says the catalog is unavailable, or is the one kept for the same
text marked as possibly out of date.

Each command is answered for its workspace (bot.domain.workspaces: SHARED in single mode, the
installation's key in oauth mode): it is asked as that workspace, its replies are cached as that
workspace's, and Slack is called with that workspace's token.
"""

from __future__ import annotations

import logging
from typing import Literal

from sqlalchemy import Engine

from bot.config import Settings
from bot.contract.answers import Answer
from bot.contract.errors import CatalogUnavailableError, UserError
from bot.domain.workspaces import SHARED
from bot.read import current
from bot.render import blocks
from bot.render.blocks import ChartOffer
from bot.render.kit import Message
from bot.slack import charts, metrics
from bot.slack.cache import ReplyCache
from bot.slack.dispatch import cacheable, changes_catalog, parsed, run_command
from bot.slack.gate import CatalogGate
from bot.slackapi.clients import post_response
from bot.slackapi.users import AdminCheck, Clients

log = logging.getLogger(__name__)

Visibility = Literal["ephemeral", "in_channel"]


class Replies:
    """Messages for commands' texts. It never raises: an expected error becomes its friendly message,
    a database that can't be reached "unavailable" (or the reply kept for the same text, marked as
    possibly out of date), anything else "something went wrong" with its traceback in the log."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        gate: CatalogGate,
        cache: ReplyCache,
        links: charts.ChartLinks,
        admins: AdminCheck | None = None,
        clients: Clients | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.gate = gate
        self.cache = cache
        self.links = links
        self.admins = admins
        self.clients = clients  # a workspace's Web API client: charts are uploaded when there are no links

    def ask(self, user_id: str, channel_id: str, text: str, workspace: str = SHARED) -> Answer:
        """The answer to `text`, through the gate: UserError (CatalogUnavailableError included) as is."""
        answer = self.gate.run(
            lambda: run_command(
                self.settings, self.engine, user_id, channel_id, text, self.admins, workspace=workspace
            )
        )
        metrics.answered(answer)
        return answer

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
        return self.reply(user_id, channel_id, text, shared_by=shared_by, workspace=workspace)[0]

    def reply(
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
                metrics.replied("stale")
                return blocks.possibly_stale(stale), True
            metrics.replied("unavailable")
            return blocks.error_message(exc, query=query), False
        except UserError as exc:
            metrics.replied("refused")
            writes = changes_catalog(parsed(query))
            return blocks.error_message(exc, query=query, changes_catalog=writes), False
        except Exception:
            metrics.replied("failed")
            log.exception("answering %r failed", query[:100])
            return blocks.failure_message(), False

    def _answer(
        self, user_id: str, channel_id: str, query: str, *, shared_by: str | None, workspace: str
    ) -> Message:
        # Only cacheable commands are ever put in the cache, so a hit needs no parse.
        if shared_by is None and (cached := self.cache.get(query, workspace)) is not None:
            metrics.replied("cached")
            return cached.message
        reusable = shared_by is None and self.cache.enabled and cacheable(query)
        keep = reusable and self.cache.admit(query, workspace)  # asked before: likely asked again
        before = self.cache.read_version() if keep else None
        answer = self.ask(user_id, channel_id, query, workspace)
        metrics.replied("answered")
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
        url = self.links.link(query, answer, workspace)
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


def post(message: Message, response_url: str | None, visibility: Visibility, *, replace: bool) -> None:
    """Send a message to the response_url of the command or click it answers."""
    if not response_url:
        log.error("no response_url to answer with")
        return
    post_response(response_url, {**message, "response_type": visibility, "replace_original": replace})

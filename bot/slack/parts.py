"""SlackApp: what build_app (bot/slack/app.py) makes, handed to whoever serves it (web.py over HTTP,
socket_mode.py) and to the listeners it registers (bot/slack/listeners/)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt import App

from bot.config import Settings
from bot.read import current
from bot.slack.acks import CommandAcks
from bot.slack.authorize import KeptAuthorize
from bot.slack.charts import ChartLinks
from bot.slack.clicks import Clicks
from bot.slack.replies import Replies
from bot.slack.reprice import Reprices
from bot.slack.uploads import ChartUploads


@dataclass(frozen=True, slots=True)
class SlackApp:
    """What build_app made: the Bolt app (Socket Mode's handler and web.py's adapter serve it), the
    chart links web.py serves images for, and the parts its listeners use, each with its one job."""

    bolt: App
    settings: Settings
    replies: Replies  # the reply to a text, with the reply cache
    acks: CommandAcks  # the slash command, within Slack's 3 s
    clicks: Clicks  # buttons that run a command
    uploads: ChartUploads  # the "Post chart to channel" button
    links: ChartLinks  # signed chart links and their PNGs
    reprices: Reprices  # `reprice`: jobs queued for the worker
    pool: ThreadPoolExecutor  # the worker threads of replies made after the ack
    authorize: KeptAuthorize | None  # oauth mode: each request's workspace authorization, kept

    def close(self) -> None:
        """Wait for the replies still being made, and stop keeping the catalog's snapshot fresh."""
        self.pool.shutdown(wait=True)
        current.unwatch(self.replies.engine)

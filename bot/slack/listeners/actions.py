"""Button clicks: Share in channel, Cheaper alternatives, "did you mean" choices, commands that
change the catalog (which Slack asked the user to confirm), Post chart to channel, and a re-priced
file's Share; and the "Re-price this usage file" message shortcut; each for the workspace of its
installation."""

from __future__ import annotations

import re
from typing import Any  # Any: Bolt hands listeners decoded JSON payloads

from slack_bolt import Ack, BoltContext

from bot.render.kit import (
    ACTION_CHART,
    ACTION_CONFIRM,
    ACTION_REPRICE_SHARE,
    ACTION_RUN,
    ACTION_SHARE,
    ACTION_SUGGEST,
    SHORTCUT_REPRICE,
)
from bot.slack.parts import SlackApp
from bot.slackapi.installs import workspace_of


# Any: Bolt hands listeners the request body as decoded JSON.
def register(slack: SlackApp) -> None:
    app, settings = slack.bolt, slack.settings

    @app.action(ACTION_SHARE)
    def share(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        slack.clicks.click(body, share=True, workspace=workspace_of(settings, context))

    @app.action(ACTION_CHART)
    def chart(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        slack.uploads.upload(body, workspace=workspace_of(settings, context))

    @app.action(ACTION_REPRICE_SHARE)
    def share_reprice(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        slack.reprices.share(body, workspace=workspace_of(settings, context))

    @app.message_shortcut(SHORTCUT_REPRICE)
    def reprice_file(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        slack.reprices.shortcut(body, workspace=workspace_of(settings, context))

    @app.action(re.compile(rf"^(?:{ACTION_RUN}|{ACTION_SUGGEST}|{ACTION_CONFIRM})_\d+$"))
    def run(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        slack.clicks.click(body, share=False, workspace=workspace_of(settings, context))

"""The `/modelcost` slash command, answered for the workspace of its installation, in every mode
(single or oauth, over HTTP or Socket Mode) through this one Bolt listener (bot/slack/acks.py acks it)."""

from __future__ import annotations

from typing import Any  # Any: Bolt hands listeners decoded form fields

from slack_bolt import Ack, BoltContext

from bot.render.kit import COMMAND
from bot.slack.parts import SlackApp
from bot.slackapi.installs import workspace_of


# Any: Bolt hands listeners the command payload as decoded form fields.
def register(slack: SlackApp) -> None:
    @slack.bolt.command(COMMAND)
    def modelcost(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        slack.acks.command(ack, command, workspace=workspace_of(slack.settings, context))

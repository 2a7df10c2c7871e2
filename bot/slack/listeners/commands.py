"""The `/modelcost` slash command, answered for the workspace of its installation, in every mode
(single or oauth, over HTTP or Socket Mode) through this one Bolt listener (bot/slack/acks.py acks it;
a command that reads a shared file, `reprice`, is queued as a job by bot/slack/reprice.py)."""

from __future__ import annotations

from typing import Any  # Any: Bolt hands listeners decoded form fields

from slack_bolt import Ack, BoltContext

from bot.contract.requests import RepriceRequest
from bot.render.kit import COMMAND
from bot.slack.dispatch import parsed
from bot.slack.parts import SlackApp
from bot.slackapi.installs import workspace_of


# Any: Bolt hands listeners the command payload as decoded form fields.
def register(slack: SlackApp) -> None:
    @slack.bolt.command(COMMAND)
    def modelcost(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        workspace = workspace_of(slack.settings, context)
        request = parsed(str(command.get("text") or "").strip())
        if isinstance(request, RepriceRequest):
            slack.reprices.command(ack, command, request, workspace=workspace)
        else:
            slack.acks.command(ack, command, workspace=workspace)

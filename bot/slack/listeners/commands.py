"""The `/modelcost` slash command, answered for the workspace of its installation."""

from __future__ import annotations

from typing import Any  # Any: Bolt hands listeners decoded form fields

from slack_bolt import Ack, App, BoltContext

from bot.render.blocks import COMMAND
from bot.slack.installs import workspace_of
from bot.slack.replies import Replier


# Any: Bolt hands listeners the command payload as decoded form fields.
def register(app: App, replier: Replier) -> None:
    @app.command(COMMAND)
    def modelcost(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        replier.command(ack, command, workspace=workspace_of(replier.settings, context))

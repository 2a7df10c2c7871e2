"""The `/modelcost` slash command, answered for the workspace of its installation.

Over HTTP in single mode, bot.slack.web answers it straight from its form fields with `answerer(app)`,
before Bolt's dispatch: there Bolt would only check that the request is a command (its signature is
checked already, its one token at start), and its dispatch took a third of a distinct question's time.
Socket Mode and oauth mode (where each workspace's installation authorizes the request) go through
Bolt's listener; both ways run the same Replier.command.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any  # Any: Bolt hands listeners decoded form fields

from slack_bolt import Ack, App, BoltContext

from bot.render.kit import COMMAND
from bot.slack.replies import Replier
from bot.slackapi.installs import workspace_of

_REPLIERS: weakref.WeakKeyDictionary[App, Replier] = weakref.WeakKeyDictionary()


# Any: Bolt hands listeners the command payload as decoded form fields.
def register(app: App, replier: Replier) -> None:
    @app.command(COMMAND)
    def modelcost(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        replier.command(ack, command, workspace=workspace_of(replier.settings, context))

    _REPLIERS[app] = replier  # for answerer(app)


def answerer(app: App) -> Callable[[dict[str, str]], str] | None:
    """For bot.slack.web: a function from the form fields of a slash command to its ack's JSON body.
    None in oauth mode, where only Bolt's authorization knows whether the workspace installed the
    app (and refreshes its token), or for an app whose listeners `register` did not add."""
    replier = _REPLIERS.get(app)
    if replier is None or replier.settings.slack_mode != "single":
        return None

    def answer(fields: dict[str, str]) -> str:
        acked: list[str] = []
        replier.command(acked.append, fields)  # acks once, with the reply's JSON, before it returns
        assert acked, "Replier.command returned without acking"
        return acked[0]

    return answer

"""Listeners, one module per kind, each with `register(app, replier)`."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, home
from bot.slack.replies import Replier


def register(app: App, replier: Replier) -> None:
    commands.register(app, replier)
    actions.register(app, replier)
    home.register(app, replier)

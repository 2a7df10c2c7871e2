"""Listeners, one module per kind, each with `register(app, slack)`: thin, they hand the request to
the part of the SlackApp whose job it is."""

from __future__ import annotations

from bot.slack.listeners import actions, commands, home
from bot.slack.parts import SlackApp


def register(slack: SlackApp) -> None:
    commands.register(slack)
    actions.register(slack)
    home.register(slack)

"""Local development: the same app over Socket Mode (SLACK_APP_TOKEN), no public URL needed."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.config import Settings
from bot.slack.app import build_app


def run_socket_mode(settings: Settings) -> None:
    """Connect and serve until interrupted; MissingSettingsError or SlackApiError at start."""
    slack = build_app(settings, socket_mode=True)
    assert settings.slack_app_token is not None  # build_app required it
    handler = SocketModeHandler(slack.bolt, settings.slack_app_token.get_secret_value())
    try:
        handler.start()  # type: ignore[no-untyped-call]  # slack_bolt's SocketModeHandler is untyped
    finally:
        handler.close()  # type: ignore[no-untyped-call]  # (as above)
        slack.close()

"""`modelcost socket`: the Slack app over Socket Mode (development; SLACK_APP_TOKEN), until interrupted."""

from __future__ import annotations

import argparse
import sys

from slack_sdk.errors import SlackApiError

from bot.cli.exits import EXIT_ERROR, EXIT_OK
from bot.config import Settings, SettingsError
from bot.slack.socket_mode import run_socket_mode


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        run_socket_mode(settings)
    except SettingsError as exc:
        print(f"modelcost: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except SlackApiError as exc:
        print(f"modelcost: Slack refused the connection: {exc.response.get('error')}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        pass
    return EXIT_OK

"""`modelcost serve`: the Slack app over HTTP, under gunicorn (gevent workers) on 0.0.0.0:$PORT."""

from __future__ import annotations

import argparse
import os
import sys

from bot.cli.exits import EXIT_ERROR
from bot.config import Settings, SettingsError
from bot.slack.app import check_settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        check_settings(settings)
    except SettingsError as exc:
        print(f"modelcost: {exc}", file=sys.stderr)
        return EXIT_ERROR
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"0.0.0.0:{settings.port}",
        "--workers",
        str(args.workers),
        "--config",
        "python:bot.slack.gunicorn_conf",  # gevent workers: slow clients hold up no one
        "bot.slack.wsgi:app",
    ]
    os.execv(sys.executable, argv)  # gunicorn takes over the process, and its signals

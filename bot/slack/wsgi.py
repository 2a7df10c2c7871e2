"""The production entry point: `gunicorn bot.slack.wsgi:app` (see the Procfile).

Each gunicorn worker builds the app once at import: settings, auth.test, and a first try at the
catalog; a database that is down then does not stop the worker (see bot/slack/gate.py). Gunicorn's
settings (the gevent worker class, timeouts) are in bot/slack/gunicorn_conf.py.
"""

from __future__ import annotations

import logging
import sys

from bot.config import Settings, SettingsError
from bot.slack.app import build_app
from bot.slack.web import wsgi_app

APP_LOAD_ERROR = 4  # gunicorn's exit code for "App failed to load": it stops rather than respawning

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

try:
    settings = Settings.from_env()
    app = wsgi_app(build_app(settings), settings)
except SettingsError as exc:
    print(f"modelcost: {exc}", file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)

"""For bench_slack.py: the real app with its reply cache off, so every request asks the catalog."""

from __future__ import annotations

from bot.config import Settings
from bot.slack.app import build_app
from bot.slack.web import wsgi_app

settings = Settings.from_env()
app = wsgi_app(build_app(settings, cache_size=0), settings)

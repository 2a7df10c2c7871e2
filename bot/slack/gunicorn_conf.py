"""Gunicorn's settings for the web tier: `gunicorn -c python:bot.slack.gunicorn_conf bot.slack.wsgi:app`
(the Procfile and `modelcost serve` use it; flags given after `-c` still override it).

The gevent worker class: each connection is a greenlet, not one of a few threads, so clients that
send their headers or body slowly (or not at all) cost a connection slot each and hold up nobody
else; with threads (gthread, 2 x 4) eight such clients stalled every request. Psycopg, slack_sdk
and the app's own threads cooperate with gevent once it has patched the standard library, which
the worker does before loading the app. Headers must arrive within `keepalive` seconds (gevent's
worker bounds each wait for a request with it), bodies within bot.slack.web.BODY_TIMEOUT_S.

GET /metrics sums the counts of every worker (bot/slack/metrics.py): each writes them to files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode), a directory made here, fresh at each
start and removed at exit, unless the environment names one (which must then be emptied before each start).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any  # Any: gunicorn's server object, untyped

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_made_dir = None
if not os.environ.get(MULTIPROCESS_DIR):
    # Set in the master before the workers fork and load the app: prometheus_client reads it at import.
    _made_dir = os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="modelcost-metrics-")

worker_class = "gevent"
# Connections per worker, slow ones included; beyond it the worker stops accepting for a moment.
worker_connections = 1000
keepalive = 5  # seconds: an idle connection, or one whose request headers are still arriving
timeout = 30  # a worker that doesn't check in for this long (stuck in CPU) is restarted
graceful_timeout = 10


def on_exit(server: Any) -> None:
    if _made_dir is not None:
        shutil.rmtree(_made_dir, ignore_errors=True)

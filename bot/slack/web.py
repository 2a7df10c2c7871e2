"""The WSGI application: Bolt's handler at POST /slack/events, and GET /healthz for the platform."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_app(app: App) -> WSGIApplication:
    """Bolt behind WSGI; /healthz answers 200 from memory, touching neither Slack nor the database."""
    slack: Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]] = SlackRequestHandler(app, EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "3")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application

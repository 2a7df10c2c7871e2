"""The WSGI application: Bolt's handler at POST /slack/events, GET /healthz for the platform,
GET /charts/<id>.png, the chart images replies link to (signed ids; see bot/slack/charts.py), and in
oauth mode Bolt's install pages, GET /slack/install and GET /slack/oauth_redirect (bot/slack/oauth.py):
a browser's requests, unsigned by nature, that Bolt's flow checks by their `state`. The install page,
which writes a state row, is rate-limited per client address (REMOTE_ADDR, as for chart draws) and
overall (oauth.INSTALL_PAGES_*: 429 with Retry-After beyond them).

Nothing reads a request to /slack/events before its signature is checked on the raw body: the
length is capped (413), the timestamp must be whole seconds within five minutes (401), the
signature `v0=<64 hex>` (401), and the body must arrive within BODY_TIMEOUT_S (408). Only then is
it decoded, and only a body Bolt can parse (UTF-8; JSON objects where Bolt expects JSON) reaches
Bolt (400 otherwise; see _for_bolt for a form body that says "payload"). Each refusal is one log
line, with no traceback and nothing of the request.

In single mode a `/modelcost` slash command is then answered here, from its form fields, without
Bolt's dispatch (bot/slack/listeners/commands.py says why); everything else goes to Bolt.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import itertools
import json
import logging
import math
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any  # Any: a request body decoded by Bolt's parser, checked before use
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body

from bot.config import Settings
from bot.render.kit import COMMAND
from bot.slack import charts, limits, oauth
from bot.slack.listeners import commands

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's requests are a few KB (a button's payload carries its message, at most a few tens of KB).
MAX_BODY_BYTES = 256 * 1024
# Slack sends the whole body at once; a client still sending after this is let go (gunicorn only).
BODY_TIMEOUT_S = 10.0
WATCH_TICK_S = 0.5  # how often overdue bodies are looked for: one is let go within this much after
MAX_AGE_S = 300  # Slack's own rule: a request more than five minutes old may be a replay
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_LENGTH = re.compile(r"[0-9]{1,12}")

Wsgi = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]


def wsgi_app(app: App, settings: Settings) -> WSGIApplication:
    """Bolt behind the signature check (in single mode, the slash command answered here, before
    Bolt's dispatch); /healthz answers 200 from memory, touching neither Slack nor the database."""
    settings.require("SLACK_SIGNING_SECRET")
    assert settings.slack_signing_secret is not None  # required just above
    # The secret's HMAC, keyed once: each request's copy needs only its own bytes hashed.
    keyed = hmac.new(settings.slack_signing_secret.get_secret_value().encode(), digestmod=hashlib.sha256)
    slack: Wsgi = SlackRequestHandler(app, EVENTS_PATH)
    links = charts.links_for(app)
    answer = commands.answerer(app)  # None in oauth mode
    install_pages = limits.Limiter(oauth.INSTALL_PAGES_PER_CLIENT, oauth.INSTALL_PAGES_OVERALL)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "3")])
            return [b"ok\n"]
        if links is not None and method in ("GET", "HEAD") and (m := charts.PATH.fullmatch(path or "")):
            return _chart(environ, start_response, links, m.group("id"))
        if method == "GET" and path in (oauth.INSTALL_PATH, oauth.REDIRECT_PATH) and app.oauth_flow:
            if path == oauth.INSTALL_PATH and (wait := install_pages.wait(environ.get("REMOTE_ADDR") or "")):
                return _too_many(start_response, wait)
            # Everything the flow reads is in the URL and the cookie: a body, if any, stays unread.
            return slack({**environ, "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO()}, start_response)
        if path == EVENTS_PATH and method == "POST":
            checked = _check(environ, keyed)
            if isinstance(checked, tuple):
                status, why = checked
                log.warning("refused POST %s: %s %s", EVENTS_PATH, status.split()[0], why)
                return _plain(start_response, status, why)
            if answer is not None and (fields := _command(environ, checked)) is not None:
                return _answer(start_response, answer, fields)
        return slack(environ, start_response)

    return application


def _chart(
    environ: WSGIEnvironment, start_response: StartResponse, links: charts.ChartLinks, chart_id: str
) -> list[bytes]:
    """A chart's PNG (drawn on the first fetch, then kept); 404 for an id this app did not sign or that
    has expired; 429 with Retry-After when it must be drawn and too many have been lately (by this
    client's address, REMOTE_ADDR, or by this worker: see bot/slack/charts.py)."""
    try:
        png = links.png(chart_id, environ.get("REMOTE_ADDR") or "")
    except charts.TooManyDraws as busy:
        body = b"too many charts drawn just now: try again later\n"
        start_response(
            "429 Too Many Requests",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Retry-After", str(busy.retry_after)),
            ],
        )
        return [body]
    if png is None:
        return _plain(start_response, "404 Not Found", "no such chart")
    headers = [
        ("Content-Type", "image/png"),
        ("Content-Length", str(len(png.data))),
        # The id names what is drawn (command and catalog version): the same id is the same image. A
        # workspace's view of the catalog (oauth mode) is its own: no shared cache keeps it.
        ("Cache-Control", f"{'private' if png.private else 'public'}, max-age={png.max_age}, immutable"),
    ]
    start_response("200 OK", headers)
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [png.data]


def _check(environ: WSGIEnvironment, keyed: hmac.HMAC) -> bytes | tuple[str, str]:
    """The body when the request is signed and well formed (it then waits in wsgi.input for Bolt too);
    else (HTTP status, a short reason)."""
    length = environ.get("CONTENT_LENGTH") or ""
    if not _LENGTH.fullmatch(length):
        return "411 Length Required", "a Content-Length is required"
    if int(length) > MAX_BODY_BYTES:
        return "413 Content Too Large", "the body is too large"
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
    if not _TIMESTAMP.fullmatch(timestamp):
        return "401 Unauthorized", "no valid X-Slack-Request-Timestamp"
    if abs(time.time() - int(timestamp)) > MAX_AGE_S:
        return "401 Unauthorized", "the request is too old (or from the future)"
    signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
    if not _SIGNATURE.fullmatch(signature):
        return "401 Unauthorized", "no valid X-Slack-Signature"
    body = _read(environ, int(length))
    if body is None:
        return "408 Request Timeout", "the body did not arrive in time"
    signer = keyed.copy()
    signer.update(b"v0:" + timestamp.encode() + b":" + body)
    expected = signer.hexdigest()
    if not hmac.compare_digest(signature.encode(), b"v0=" + expected.encode()):
        return "401 Unauthorized", "the signature does not match"
    for_bolt = _for_bolt(body, _content_type(environ))
    if for_bolt is None:
        return "400 Bad Request", "the body is not a Slack payload"
    environ["wsgi.input"] = io.BytesIO(for_bolt)
    return body


def _too_many(start_response: StartResponse, wait: float) -> list[bytes]:
    seconds = max(1, math.ceil(wait))
    body = f"Too many requests for the install page; try again in {seconds} s.\n".encode()
    start_response(
        "429 Too Many Requests",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Retry-After", str(seconds)),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def _content_type(environ: WSGIEnvironment) -> str | None:
    return (environ.get("CONTENT_TYPE") or "").split(";")[0].strip() or None


def _command(environ: WSGIEnvironment, body: bytes) -> dict[str, str] | None:
    """The form fields of a `/modelcost` slash command; None for any other request, Bolt's to route
    (a button's `payload`, JSON, Slack's `ssl_check`, another command)."""
    if _content_type(environ) != "application/x-www-form-urlencoded" or body.startswith(b"{"):
        return None  # Bolt reads a body that starts with { as JSON, whatever its type says
    fields = dict(parse_qsl(body.decode(), keep_blank_values=True))  # _check found it UTF-8
    if fields.get("command") != COMMAND or "payload" in fields or "ssl_check" in fields:
        return None
    return fields


def _answer(
    start_response: StartResponse, answer: Callable[[dict[str, str]], str], fields: dict[str, str]
) -> list[bytes]:
    """The command's ack, as Bolt sends it: 200 with its JSON; should answering raise (it is made not
    to), 500 and the traceback logged, as Bolt does when a listener raises."""
    try:
        data = answer(fields).encode()
    except Exception:
        log.exception("answering %s failed", COMMAND)
        return _plain(start_response, "500 Internal Server Error", "")
    start_response(
        "200 OK", [("Content-Type", "application/json;charset=utf-8"), ("Content-Length", str(len(data)))]
    )
    return [data]


def _read(environ: WSGIEnvironment, length: int) -> bytes | None:
    """The body, or None if it did not all arrive within BODY_TIMEOUT_S.

    Under gunicorn the connection's socket is at hand: the watchdog shuts its reading side at the
    deadline, which ends a read blocked on a client that sends slowly or not at all.
    """
    sock = environ.get("gunicorn.socket")
    watched = _watchdog.watch(sock) if isinstance(sock, socket.socket) else None
    try:
        body: bytes = environ["wsgi.input"].read(length)
    except OSError:  # the client went away, or the watchdog stopped the read mid-way
        return None
    finally:
        if watched is not None:
            _watchdog.release(watched)
    return body if len(body) == length else None


class _Watchdog:
    """Shuts the reading side of sockets whose body is overdue, checking every WATCH_TICK_S: one
    thread for the process, where a timer per request (a thread started and stopped) cost ~0.1 ms
    of each request under gevent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[int, tuple[float, socket.socket]] = {}
        self._ids = itertools.count()
        self._pid = 0  # the process the thread runs in: a forked worker starts its own

    def watch(self, sock: socket.socket) -> int:
        watched = next(self._ids)
        with self._lock:
            self._due[watched] = (time.monotonic() + BODY_TIMEOUT_S, sock)
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="modelcost-body-deadlines", daemon=True).start()
        return watched

    def release(self, watched: int) -> None:
        with self._lock:
            self._due.pop(watched, None)

    def _run(self) -> None:
        while True:
            time.sleep(WATCH_TICK_S)
            now = time.monotonic()
            with self._lock:
                overdue = [k for k, (deadline, _) in self._due.items() if deadline <= now]
                socks = [self._due.pop(k)[1] for k in overdue]
            for sock in socks:
                _stop_reading(sock)


_watchdog = _Watchdog()


def _stop_reading(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass  # already closed: nothing is waiting on it


def _for_bolt(body: bytes, content_type: str | None) -> bytes | None:
    """The body as Bolt is to read it; None when Bolt can't parse it into a payload (it answers 500).

    Bolt takes any form body that says "payload" (a command's text, a channel's or team's name) for a
    button's `payload` field, finds none, and drops the request (404): such a body reaches it with
    the word percent-encoded, which its parse_qsl reads back as it was (the signature is checked).
    """
    try:
        text = body.decode("utf-8")
        if content_type != "application/json" and not text.startswith("{"):
            if "payload" not in text:
                return body  # form fields (a slash command): Bolt's parse_qsl takes any text
            if all(name != "payload" for name, _ in parse_qsl(text, keep_blank_values=True)):
                return body.replace(b"payload", b"%70ayload")
        payload: Any = parse_body(text, content_type)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return body if isinstance(payload, dict) else None


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = (text + "\n").encode()
    # What is left of an unread body, the server drains within its keep-alive timeout, or closes.
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response(status, headers)
    return [body]

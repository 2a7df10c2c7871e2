"""The WSGI application: Bolt's handler at POST /slack/events, GET /healthz for the platform,
GET /charts/<id>.png, the chart images replies link to (signed ids; see bot/slack/charts.py), GET /metrics
for Prometheus (bot/slack/metrics.py; only with `Authorization: Bearer MODELCOST_METRICS_TOKEN` when that
is set), and in
oauth mode Bolt's install pages, GET /slack/install and GET /slack/oauth_redirect (bot/slack/oauth.py):
a browser's requests, unsigned by nature, that Bolt's flow checks by their `state`. The install page,
which writes a state row, is rate-limited per client address (REMOTE_ADDR, as for chart draws) and
overall (oauth.INSTALL_PAGES_*: 429 with Retry-After beyond them).

Nothing reads a request to /slack/events before its signature is checked on the raw body: the
length is capped (413), the timestamp must be whole seconds within five minutes (401), the
signature `v0=<64 hex>` (401), and the body must arrive within BODY_TIMEOUT_S (408). Only then does
Bolt read it: every request, in every mode, goes through Bolt's dispatch (its middleware, its
listeners, its error handler), as a BoltRequest made by `bolt_request`, which answers 400 for a body
Bolt can't make a request of (not UTF-8, not JSON where JSON is due, JSON that is not an object) and
works around Bolt's misreading of a form body that says "payload" (see there). Each refusal is one
log line, with no traceback and nothing of the request.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import itertools
import logging
import math
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.config import Settings
from bot.slack import charts, limits, metrics, oauth
from bot.slack.parts import SlackApp

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
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


def wsgi_app(slack_app: SlackApp, settings: Settings) -> WSGIApplication:
    """Bolt behind the signature check; /healthz answers 200 from memory, touching neither Slack nor
    the database."""
    settings.require("SLACK_SIGNING_SECRET")
    assert settings.slack_signing_secret is not None  # required just above
    # The secret's HMAC, keyed once: each request's copy needs only its own bytes hashed.
    keyed = hmac.new(settings.slack_signing_secret.get_secret_value().encode(), digestmod=hashlib.sha256)
    app, links = slack_app.bolt, slack_app.links
    slack: Wsgi = SlackRequestHandler(app, EVENTS_PATH)  # the install pages, and what else Bolt answers
    install_pages = limits.Limiter(oauth.INSTALL_PAGES_PER_CLIENT, oauth.INSTALL_PAGES_OVERALL)
    engine = slack_app.replies.engine
    token = settings.metrics_token.get_secret_value().encode() if settings.metrics_token else None

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "3")])
            return [b"ok\n"]
        if path == METRICS_PATH and method == "GET":
            return _metrics(environ, start_response, lambda: metrics.scrape(engine, settings), token)
        if method in ("GET", "HEAD") and (m := charts.PATH.fullmatch(path or "")):
            return _chart(environ, start_response, links, m.group("id"))
        if method == "GET" and path in (oauth.INSTALL_PATH, oauth.REDIRECT_PATH) and app.oauth_flow:
            if path == oauth.INSTALL_PATH and (wait := install_pages.wait(environ.get("REMOTE_ADDR") or "")):
                return _too_many(start_response, wait)
            # Everything the flow reads is in the URL and the cookie: a body, if any, stays unread.
            return slack({**environ, "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO()}, start_response)
        if path == EVENTS_PATH and method == "POST":
            started = time.perf_counter()
            checked = _check(environ, keyed)
            if isinstance(checked, tuple):
                status, why = checked
                log.warning("refused POST %s: %s %s", EVENTS_PATH, status.split()[0], why)
                metrics.refused()
                return _plain(start_response, status, why)
            kind, response = _dispatch(app, checked, environ)
            metrics.served(kind, response.status, started)
            return _respond(start_response, response)
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


def _metrics(
    environ: WSGIEnvironment, start_response: StartResponse, scrape: Callable[[], bytes], token: bytes | None
) -> list[bytes]:
    """The scrape (bot/slack/metrics.py); 401 without the bearer token, when one is set."""
    if token is not None:
        given = (environ.get("HTTP_AUTHORIZATION") or "").encode()
        if not hmac.compare_digest(given, b"Bearer " + token):
            body = b"a bearer token is required (MODELCOST_METRICS_TOKEN)\n"
            start_response(
                "401 Unauthorized",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    ("WWW-Authenticate", 'Bearer realm="metrics"'),
                ],
            )
            return [body]
    body = scrape()
    start_response(
        "200 OK",
        [
            ("Content-Type", metrics.CONTENT_TYPE),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def _check(environ: WSGIEnvironment, keyed: hmac.HMAC) -> bytes | tuple[str, str]:
    """The body when the request is signed and its headers well formed (it then waits in wsgi.input
    for Bolt too); else (HTTP status, a short reason)."""
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
    environ["wsgi.input"] = io.BytesIO(body)  # for Bolt's adapter to read again
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


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = (text + "\n").encode()
    # What is left of an unread body, the server drains within its keep-alive timeout, or closes.
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response(status, headers)
    return [body]


def _dispatch(app: App, body: bytes, environ: WSGIEnvironment) -> tuple[str, BoltResponse]:
    """Bolt's dispatch of a signed request, as its WSGI adapter does it, with the request made by
    `bolt_request`: only Bolt's public API (App.dispatch, BoltRequest, BoltResponse). With the kind of
    request it was (bot.slack.metrics.request_kind)."""
    try:
        bolt = bolt_request(body.decode("utf-8"), environ.get("QUERY_STRING") or "", _headers(environ))
    except UnicodeDecodeError:
        log.warning("refused POST %s: 400 the body is not UTF-8", EVENTS_PATH)
        return "other", BoltResponse(status=400, body="the body is not UTF-8\n")
    except NotAPayloadError as exc:
        log.warning("refused POST %s: 400 %s", EVENTS_PATH, exc)
        return "other", BoltResponse(status=400, body=f"{exc}\n")
    response: BoltResponse = app.dispatch(bolt)
    return metrics.request_kind(bolt.body), response


def _headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The request's headers by their lower-case names, as Bolt's WSGI adapter gives them (PEP 3333)."""
    headers = {k[5:].lower().replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if key in environ:
            headers[key.lower().replace("_", "-")] = environ[key]
    return headers


def _respond(start_response: StartResponse, response: BoltResponse) -> list[bytes]:
    body = response.body.encode("utf-8")
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    headers = [h for h in headers if h[0].lower() != "content-length"]
    start_response(
        f"{response.status} {HTTPStatus(response.status).phrase}",
        [*headers, ("Content-Length", str(len(body)))],
    )
    return [body]


class NotAPayloadError(ValueError):
    """A signed body Bolt can make no request of."""

    def __init__(self) -> None:
        super().__init__("the body is not a Slack payload")


FORM = "application/x-www-form-urlencoded"


def bolt_request(
    text: str, query: str = "", headers: Mapping[str, str | Sequence[str]] | None = None
) -> BoltRequest:
    """The BoltRequest of a signed HTTP request's body; NotAPayloadError when Bolt can make none of it
    (JSON that does not parse or is not an object, where Bolt reads JSON: a JSON content type, a body
    starting with "{", or a form's `payload` field), which its adapter would answer 500.

    The one place that works around a Bolt bug (slack_bolt 1.30.0, `slack_bolt.request.internals.
    parse_body`), through Bolt's public API only: Bolt reads any form body that contains the letters
    "payload" anywhere, not only as a field's name, as an interactivity payload (`payload=<JSON>`),
    finds no `payload` field, and makes the request's body `{}`. A slash command whose text, channel
    name or team domain says "payload" then matches no listener, and Slack is answered 404. When Bolt
    has read such a form body as `{}`, the request is made again from the form's fields, already
    parsed: BoltRequest takes a dict body only in its "socket_mode" (in "http" mode it wants the raw
    text), which changes nothing else here: Bolt's signature check (its only other use of the mode)
    is off because web.py checks every signature first (bot/slack/app.py), and lazy listeners get a
    copy of this dict rather than the text parsed wrongly again. tests/slack/test_bolt.py shows the
    bug on Bolt itself and fails once Bolt no longer has it, when this can go.

    To report to slackapi/bolt-python: "parse_body() treats a form-urlencoded body as an
    interactivity payload when the substring 'payload' appears anywhere in it (e.g. a slash command
    with text=payload, or channel_name=payload-team), then finds no `payload` field and returns {}:
    the command matches no listener and Bolt answers 404. It should test for a `payload` field:
    `params = dict(parse_qsl(body, keep_blank_values=True)); return json.loads(params['payload'])
    if 'payload' in params else params`."
    """
    try:
        request = BoltRequest(body=text, query=query, headers=dict(headers or {}))
    except (ValueError, AttributeError):
        # ValueError: JSON that does not parse; AttributeError: JSON that is not an object, on
        # which Bolt's reading of the request's team and user fails.
        raise NotAPayloadError() from None
    if request.body or request.content_type != FORM or text.startswith("{"):
        return request
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if not fields or "payload" in fields:
        return request  # read as Bolt reads it: nothing, or a payload that is empty
    return BoltRequest(body=fields, query=query, headers=dict(headers or {}), mode="socket_mode")

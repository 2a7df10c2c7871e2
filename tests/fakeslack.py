"""A fake Slack Web API on loopback: a real HTTP server that records every call and can be scripted.

slack_sdk talks urllib, so `responses` can't intercept it; point `base_url` (SLACK_API_URL) at
`FakeSlack.api_url` instead. It serves

    POST|GET /api/<method>     Web API methods: `{"ok": true, ...}` by default, with plausible
                               defaults for auth.test, chat.postMessage, conversations.join, users.info
                               (a member, not an admin, of the token's team and org),
                               views.publish / views.open / views.update (the view echoed with an id;
                               `views()` reads back what was sent), files.info and files.list (the
                               files `serve_file` shares)
    POST     /response/<id>    response_url posts (slash commands and button clicks): "ok"
    GET      /files-pri/<id>   a shared file's download (`serve_file`): its bytes for the token it was
                               served with, a redirect to sign in for any other
    POST     /upload/<file id> the upload URL files.getUploadURLExternal hands out (files_upload_v2
                               posts the file's bytes there, then calls files.completeUploadExternal);
                               recorded as method "upload" with the bytes in `raw`

For the OAuth install flow, `grant(code, team_id, ...)` makes oauth.v2.access answer that code (once)
with an installation of that team (or enterprise): a bot token of its own (`xoxb-T1-<n>`), with a
refresh token and `expires_in` when it rotates; `grant_type=refresh_token` then issues the next one.
auth.test answers with the team of the token it is sent (the default team for any other token).

and can be told to answer the next N calls of a method (or of response URLs, method "response")
with an error (`fail`), a 429 with Retry-After (`rate_limit`), any HTTP status (`status`) or a
payload of your own (`reply`); a script can be for one team's calls only (`team=`). Use it as a
context manager, or start()/stop().

Like Slack, it can be slow and enforce a rate limit per workspace: `latency` seconds before every
Web API answer, and `pace(method, interval)` answers a team's call of that method with a 429 and
Retry-After when it arrives less than `interval` after the team's previous accepted one. A call's
team is the team of the token it bears (`install(team)` issues one without the OAuth dance; any other
token is the default team's); each call records its team, its HTTP status and when it arrived (`at`,
time.monotonic()), so tests can read order, overlap and spacing per team.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

RESPONSE = "response"  # the pseudo-method that response_url posts are recorded and scripted under
UPLOAD = "upload"  # the pseudo-method of posts to an upload URL (files_upload_v2's second step)
DOWNLOAD = "files-pri"  # the pseudo-method of a shared file's download (url_private_download)


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str  # "chat.postMessage", or "response" for a response_url post
    path: str
    body: dict[str, Any]  # the JSON body, or the form / query fields (first value of each)
    headers: dict[str, str]  # lower-case names
    raw: bytes
    response_id: str | None = None  # the <id> of /response/<id>
    team: str = ""  # whose token it bore (the default team for a token the fake never issued)
    at: float = 0.0  # time.monotonic() when it arrived
    status: int = 200  # the HTTP status it was answered with

    @property
    def token(self) -> str | None:
        """The token the client sent: the Authorization bearer, else a `token` field."""
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:]
        token = self.body.get("token")
        return str(token) if token is not None else None


@dataclass
class _Script:
    status: int
    payload: Any
    headers: dict[str, str]
    times: int | None  # None: every call from now on
    team: str | None = None  # None: any team's calls


@dataclass
class Grant:
    """An installation oauth.v2.access hands out: a workspace, or an org-wide install of an enterprise."""

    team_id: str | None
    enterprise_id: str | None = None
    is_enterprise_install: bool = False
    team_name: str = "Fake team"
    # Token rotation: the first token lives this long, and comes with a refresh token; the tokens a
    # refresh issues live 12 hours, as Slack's do.
    expires_in: int | None = None

    @property
    def key(self) -> str:
        return self.team_id or self.enterprise_id or "?"


@dataclass
class FakeSlack:
    """Start it, point clients at `api_url`, then read `calls()`; see the module docstring."""

    team_id: str = "T0FAKE"
    bot_user_id: str = "U0BOT"
    latency: float = 0.0  # seconds before every Web API answer, as a real Slack takes
    _calls: list[Call] = field(default_factory=list)
    _scripts: dict[str, list[_Script]] = field(default_factory=dict)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _codes: dict[str, Grant] = field(default_factory=dict)  # authorization code -> what it installs
    _tokens: dict[str, Grant] = field(default_factory=dict)  # bot token issued -> whose
    _refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    _serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)  # id -> name, bytes, token
    _shared: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # id -> user, channel, created
    _sizes: dict[str, int] = field(default_factory=dict)  # id -> the size files.info says
    _paces: dict[str, tuple[float, int]] = field(default_factory=dict)  # method -> interval, Retry-After
    _accepted_at: dict[tuple[str, str], float] = field(default_factory=dict)  # (method, team) -> when

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                fake._handle(self, self.rfile.read(length) if length else b"")

            def do_GET(self) -> None:
                fake._handle(self, b"")

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # many clients connecting at once (a fan-out) are queued, not reset

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A poll of 0.01 s (not the default 0.5) so stop() returns at once.
        threading.Thread(
            target=self._server.serve_forever, args=(0.01,), name="fakeslack", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """The base URL for WebClient / SLACK_API_URL."""
        return self.base + "/api/"

    def response_url(self, response_id: str | None = None) -> str:
        """A fresh response_url served by this fake."""
        return f"{self.base}/response/{response_id or next(self._ids)}"

    # -- scripting ---------------------------------------------------------------------------------
    def reply(
        self,
        method: str,
        payload: Any,
        *,
        times: int | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        team: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (all of them when None; only `team`'s when given)
        with this payload."""
        with self._lock:
            self._scripts.setdefault(method, []).append(_Script(status, payload, headers or {}, times, team))

    def fail(self, method: str, error: str, *, times: int | None = 1, **extra: Any) -> None:
        """`{"ok": false, "error": error}` (HTTP 200, as Slack does) for the next `times` calls."""
        self.reply(method, {"ok": False, "error": error, **extra}, times=times)

    def rate_limit(
        self, method: str, *, retry_after: int = 1, times: int | None = 1, team: str | None = None
    ) -> None:
        """HTTP 429 with Retry-After for the next `times` calls (only `team`'s when given)."""
        self.reply(
            method,
            {"ok": False, "error": "ratelimited"},
            times=times,
            status=429,
            headers={"Retry-After": str(retry_after)},
            team=team,
        )

    def pace(self, method: str, interval: float, *, retry_after: int = 1) -> None:
        """Slack's per-workspace limit: a team's call of `method` arriving less than `interval` seconds
        after its previous accepted one is answered 429 with Retry-After (and not accepted)."""
        with self._lock:
            self._paces[method] = (interval, retry_after)

    def install(self, team_id: str) -> str:
        """A bot token of the team's own, as its installation would have (auth.test answers its team)."""
        grant = Grant(team_id)
        with self._lock:
            token = f"xoxb-{team_id}-{next(self._serial)}"
            self._tokens[token] = grant
        return token

    def status(self, method: str, status: int, *, times: int | None = 1, body: Any = "error") -> None:
        """Any HTTP status (e.g. 500, or 404 for an expired response_url) for the next `times` calls."""
        self.reply(method, body, times=times, status=status)

    def grant(
        self,
        code: str,
        team_id: str | None,
        *,
        enterprise_id: str | None = None,
        is_enterprise_install: bool = False,
        team_name: str = "Fake team",
        expires_in: int | None = None,
    ) -> Grant:
        """Make oauth.v2.access answer `code` (once) with an installation of this team or org."""
        grant = Grant(team_id, enterprise_id, is_enterprise_install, team_name, expires_in)
        with self._lock:
            self._codes[code] = grant
        return grant

    def tokens(self, team_id: str) -> list[str]:
        """The bot tokens issued to a team (or an org-wide install's enterprise) so far, oldest first."""
        with self._lock:
            return [t for t, g in self._tokens.items() if g.key == team_id]

    # -- reading -----------------------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def responses(self) -> list[Call]:
        """The response_url posts so far."""
        return self.calls(RESPONSE)

    def wait_for(self, method: str | None = None, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until at least `count` calls of `method` arrived (work done after an ack is
        asynchronous); AssertionError naming what did arrive if they don't within `timeout`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self._calls if method is None or c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self._calls]
                    raise AssertionError(f"expected {count} call(s) of {method or 'any method'}; got {seen}")
                self._lock.wait(left)

    def reset(self) -> None:
        """Forget the calls and scripts so far."""
        with self._lock:
            self._calls.clear()
            self._scripts.clear()
            self._accepted_at.clear()

    # -- serving -----------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, raw: bytes) -> None:
        url = urlsplit(handler.path)
        parts = url.path.strip("/").split("/")
        headers = {k.lower(): v for k, v in handler.headers.items()}
        if len(parts) == 2 and parts[0] == "api":
            method, response_id = parts[1], None
        elif len(parts) == 2 and parts[0] in (RESPONSE, UPLOAD, DOWNLOAD):
            method, response_id = parts[0], parts[1]
        else:
            self._send(handler, 404, "not found", {})
            return
        body = {} if method in (UPLOAD, DOWNLOAD) else self._body(raw, headers, url.query)  # a file's bytes
        call = Call(method, url.path, body, headers, raw, response_id, at=time.monotonic())
        with self._lock:
            grant = self._tokens.get(call.token or "")
            team = grant.key if grant is not None else self.team_id
            script = self._next_script(method, team) or self._over_pace(method, team, call.at)
            call = replace(call, team=team, status=script.status if script is not None else 200)
            self._calls.append(call)
            self._lock.notify_all()
        if self.latency and len(parts) == 2 and parts[0] == "api":
            time.sleep(self.latency)
        if script is not None:
            self._send(handler, script.status, script.payload, script.headers)
        elif method == RESPONSE:
            self._send(handler, 200, "ok", {})
        elif method == UPLOAD:
            self._send(handler, 200, f"OK - {len(raw)}", {})
        elif method == DOWNLOAD:
            self._download(handler, call)
        else:
            self._send(handler, 200, self._default(call), {})

    def _next_script(self, method: str, team: str) -> _Script | None:
        queue = [s for s in self._scripts.get(method, ()) if s.team in (None, team)]
        if not queue:
            return None
        script = queue[0]
        if script.times is not None:
            script.times -= 1
            if script.times <= 0:
                self._scripts[method].remove(script)
        return script

    def _over_pace(self, method: str, team: str, at: float) -> _Script | None:
        """A 429 if this call comes too soon after the team's previous accepted one; else None, and
        it is the team's latest accepted call."""
        if method not in self._paces:
            return None
        interval, retry_after = self._paces[method]
        last = self._accepted_at.get((method, team))
        if last is not None and at - last < interval:
            headers = {"Retry-After": str(retry_after)}
            return _Script(429, {"ok": False, "error": "ratelimited"}, headers, None)
        self._accepted_at[(method, team)] = at
        return None

    @staticmethod
    def _body(raw: bytes, headers: dict[str, str], query: str) -> dict[str, Any]:
        if headers.get("content-type", "").startswith("application/json") and raw:
            data = json.loads(raw)
            return data if isinstance(data, dict) else {"_": data}
        fields = parse_qs(raw.decode() if raw else query, keep_blank_values=True)
        out: dict[str, Any] = {k: v[0] for k, v in fields.items()}
        for key in ("blocks", "attachments"):  # form posts carry these as JSON strings
            if isinstance(out.get(key), str):
                try:
                    out[key] = json.loads(out[key])
                except ValueError:
                    pass
        return out

    def _default(self, call: Call) -> dict[str, Any]:
        defaults: dict[str, Callable[[], dict[str, Any]]] = {
            "auth.test": lambda: self._auth_test(call),
            "oauth.v2.access": lambda: self._oauth_access(call),
            "chat.postMessage": lambda: {
                "channel": call.body.get("channel"),
                "ts": self._next_ts(),
                "message": {k: call.body[k] for k in ("text", "blocks") if k in call.body},
            },
            "chat.postEphemeral": lambda: {"message_ts": self._next_ts()},
            "files.getUploadURLExternal": lambda: self._upload_url(),
            "files.completeUploadExternal": lambda: {
                "files": [
                    {"id": f.get("id"), "title": f.get("title")}
                    for f in json.loads(call.body.get("files") or "[]")
                ]
            },
            "conversations.join": lambda: {"channel": {"id": call.body.get("channel"), "is_member": True}},
            "views.publish": lambda: {"view": self._view(call, "home")},
            "views.open": lambda: {"view": self._view(call, "modal")},
            "views.update": lambda: {"view": self._view(call, "modal")},
            "users.info": lambda: self._user_info(call),
            "files.info": lambda: self._file_info(call),
            "files.list": lambda: self._file_list(call),
        }
        make = defaults.get(call.method)
        return {"ok": True, **(make() if make else {})}

    def _auth_test(self, call: Call) -> dict[str, Any]:
        with self._lock:
            grant = self._tokens.get(call.token or "")
        if grant is None:
            return {
                "url": "https://fake.slack.com/",
                "team": "Fake",
                "user": "modelcost",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": "B0BOT",
            }
        return {
            "url": f"https://{grant.key.lower()}.slack.com/",
            "team": grant.team_name,
            "user": "modelcost",
            "team_id": grant.team_id or grant.enterprise_id,
            "enterprise_id": grant.enterprise_id,
            "user_id": f"U{grant.key}BOT",
            "bot_id": f"B{grant.key}BOT",
            "is_enterprise_install": grant.is_enterprise_install,
        }

    def _user_info(self, call: Call) -> dict[str, Any]:
        """A member (not an admin) of the token's team; in an Enterprise org, of the org too."""
        with self._lock:
            grant = self._tokens.get(call.token or "")
        team = grant.team_id if grant is not None and grant.team_id else self.team_id
        user: dict[str, Any] = {
            "id": call.body.get("user"),
            "team_id": team,
            "name": "someone",
            "tz": "UTC",
            "is_admin": False,
            "is_bot": False,
        }
        if grant is not None and grant.enterprise_id:
            user["enterprise_user"] = {
                "id": call.body.get("user"),
                "enterprise_id": grant.enterprise_id,
                "enterprise_name": "Fake org",
                "is_admin": False,
                "is_owner": False,
                "teams": [team],
            }
        return {"user": user}

    def _oauth_access(self, call: Call) -> dict[str, Any]:
        """An authorization code for its installation (once), or a refresh token for the next token."""
        with self._lock:
            if call.body.get("grant_type") == "refresh_token":
                grant = self._refresh_tokens.pop(str(call.body.get("refresh_token")), None)
                if grant is None:
                    return {"ok": False, "error": "invalid_refresh_token"}
            else:
                grant = self._codes.pop(str(call.body.get("code")), None)
                if grant is None:
                    return {"ok": False, "error": "invalid_code"}
            token = f"xoxb-{grant.key}-{next(self._serial)}"
            self._tokens[token] = grant
            answer: dict[str, Any] = {
                "access_token": token,
                "token_type": "bot",
                "scope": "commands,chat:write,chat:write.public,users:read,files:read,files:write",
                "bot_user_id": f"U{grant.key}BOT",
                "app_id": "A0MODELCOST",
                "team": {"id": grant.team_id, "name": grant.team_name} if grant.team_id else None,
                "enterprise": {"id": grant.enterprise_id, "name": "Fake org"}
                if grant.enterprise_id
                else None,
                "is_enterprise_install": grant.is_enterprise_install,
                "authed_user": {"id": "U0INSTALLER"},
            }
            if grant.expires_in is not None:
                refresh = f"xoxe-1-{grant.key}-{next(self._serial)}"
                self._refresh_tokens[refresh] = grant
                refreshing = call.body.get("grant_type") == "refresh_token"
                answer |= {"refresh_token": refresh, "expires_in": 43200 if refreshing else grant.expires_in}
            return answer

    def _view(self, call: Call, kind: str) -> dict[str, Any]:
        """The view as Slack echoes it: what was sent, with an id, a hash and its owner."""
        view = call.body.get("view")
        if isinstance(view, str):  # form posts carry it as a JSON string
            view = json.loads(view)
        view = view if isinstance(view, dict) else {}
        view_id = call.body.get("view_id") or f"V{next(self._ids):08d}"
        return {
            "type": kind,
            **view,
            "id": view_id,
            "team_id": self.team_id,
            "app_id": "A0MODELCOST",
            "bot_id": "B0BOT",
            "hash": f"{int(time.time())}.{next(self._ts):08d}",
            "state": {"values": {}},
        }

    def views(self, method: str = "views.publish") -> list[dict[str, Any]]:
        """The views sent with `method` so far (views.publish, views.open or views.update), decoded."""
        out = []
        for call in self.calls(method):
            view = call.body.get("view")
            out.append(json.loads(view) if isinstance(view, str) else view)
        return out

    def _upload_url(self) -> dict[str, Any]:
        file_id = f"F{next(self._ids):08d}"
        return {"upload_url": f"{self.base}/{UPLOAD}/{file_id}", "file_id": file_id}

    def serve_file(
        self,
        name: str,
        content: bytes,
        *,
        token: str = "xoxb-fake",
        user: str = "U0ALICE",
        channel: str = "C0GENERAL",
        size: int | None = None,
    ) -> str:
        """A file `user` shared in `channel`: `files.list` lists it there (newest first), `files.info`
        describes it, its url_private_download serves its bytes to a request bearing `token` (Slack's
        rule: the workspace's token). `size`: what files.info says instead of the bytes' length (a file
        too large to make). Returns its id."""
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self._files[file_id] = (name, content, token)
            if size is not None:
                self._sizes[file_id] = size
            self._shared[file_id] = (user, channel, int(time.time()) * 1000 + len(self._shared))
        return file_id

    def _file_list(self, call: Call) -> dict[str, Any]:
        """The files shared by `user` in `channel` (when given), newest first, as files.list lists them."""
        user, channel = call.body.get("user"), call.body.get("channel")
        with self._lock:
            found = [
                (created, file_id, self._files[file_id][0])
                for file_id, (by, where, created) in self._shared.items()
                if (user is None or by == user) and (channel is None or where == channel)
            ]
        files = [
            {"id": file_id, "name": name, "filetype": name.rsplit(".", 1)[-1], "created": created // 1000}
            for created, file_id, name in sorted(found, reverse=True)
        ]
        return {"files": files, "paging": {"count": len(files), "total": len(files), "page": 1, "pages": 1}}

    def _file_info(self, call: Call) -> dict[str, Any]:
        with self._lock:
            found = self._files.get(str(call.body.get("file")))
        if found is None:
            return {"ok": False, "error": "file_not_found"}
        name, content, _ = found
        file_id = str(call.body.get("file"))
        with self._lock:
            size = self._sizes.get(file_id, len(content))
        return {
            "file": {
                "id": file_id,
                "name": name,
                "filetype": name.rsplit(".", 1)[-1],
                "size": size,
                "url_private_download": f"{self.base}/{DOWNLOAD}/{file_id}",
            }
        }

    def _download(self, handler: BaseHTTPRequestHandler, call: Call) -> None:
        with self._lock:
            found = self._files.get(call.response_id or "")
        if found is None:
            self._send(handler, 404, "not found", {})
        elif call.token != found[2]:
            self._send(handler, 302, "", {"Location": f"{self.base}/login"})  # Slack's answer: sign in
        else:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/csv")
            handler.send_header("Content-Length", str(len(found[1])))
            handler.end_headers()
            handler.wfile.write(found[1])

    def downloads(self) -> list[Call]:
        """The shared files' downloads so far (the file id in `response_id`)."""
        return self.calls(DOWNLOAD)

    def uploads(self) -> list[Call]:
        """The files posted to upload URLs so far (the bytes in `raw`, the file id in `response_id`)."""
        return self.calls(UPLOAD)

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, payload: Any, headers: dict[str, str]) -> None:
        if isinstance(payload, (dict, list)):
            body, ctype = json.dumps(payload).encode(), "application/json; charset=utf-8"
        else:
            body, ctype = str(payload).encode(), "text/plain; charset=utf-8"
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

"""Charts in Slack: signed chart links served by the app itself, and PNGs drawn on demand, at a bounded cost.

With a public URL (HTTP mode, MODELCOST_PUBLIC_URL), a reply that has a chart carries an image block
whose URL is `<public_url>/charts/<id>.png`. The id says when it was issued, what is drawn (the
command text and the catalog version; in oauth mode also the workspace whose view of the catalog it
is, bot.domain.workspaces), and carries an HMAC of that under a key derived from the signing secret:
nobody can list the charts or have the app draw one it did not offer, and a changed id answers 404.
An id answers 404 once LIFETIME_S has passed since it was issued, as do ids made before ids said
when (the reply's text stays in Slack; its image no longer loads).

Making the link draws nothing (the ack never waits for matplotlib): the PNG is drawn when the link is
first fetched, from the answer kept here, or, in another worker or after eviction, by asking the
command again while the catalog is at the same version. The link is public by nature (Slack's image
proxy fetches it), so what anyone can make it cost is bounded:
- one draw per chart at a time: later fetches of it wait for that draw and get its PNG;
- PNGs kept per worker up to KEPT_PNG_BYTES, shared by all its requests; serving one draws nothing;
- draws (not cached PNGs) limited per client address and per worker (CLIENT_DRAWS, WORKER_DRAWS):
  past either, 429 with Retry-After;
- drawing in a separate, lower-priority process per worker (DrawingProcess), so the worker's other
  requests keep their latency: under gevent a thread would still share the worker's GIL.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import json
import logging
import math
import os
import pickle
import re
import select
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TypeVar

from bot.contract.answers import AlternativesAnswer, Answer, CompareAnswer, HistoryAnswer, has_chart
from bot.contract.errors import NoChartError, UserError
from bot.domain.workspaces import SHARED
from bot.render.charts import charts_for
from bot.render.plot import canvas
from bot.slack.limits import Limiter, Rate

log = logging.getLogger(__name__)

PATH = re.compile(r"/charts/(?P<id>[A-Za-z0-9_-]{1,600}\.[0-9a-f]{32})\.png")
MAX_TEXT = 300  # longer commands get no chart link (a URL stays short)
# How long a link draws. Slack fetches an image_url when the message is posted (chat.postMessage
# fails with "downloading image failed" otherwise), then Slack-ImgProxy fetches it again whenever its
# own cache has lapsed and someone opens the conversation; how long it keeps an image is not
# documented, and we let caches keep one a day (CACHE_S). A week covers the post-time fetch, those
# refetches and a week of scrolling back; a link also stops drawing, sooner, once the catalog has
# changed and its PNG is no longer kept.
LIFETIME_S = 7 * 24 * 3600
CACHE_S = 24 * 3600  # Cache-Control max-age (never past the link's lifetime)
CLOCK_SKEW_S = 300  # an id from a worker whose clock is ahead is still good
KEPT_PNG_BYTES = 32 * 1024 * 1024  # per worker: 200+ PNGs of 30 to 150 KB
KEPT_ANSWERS = 256  # answers of links made here, drawn without asking again (a few KB each)
KEPT_CLIENTS = 4096  # client addresses whose draws are counted; the least recent is forgotten
DRAW_TIMEOUT_S = 20.0  # a draw takes ~0.2 s: one still going after this is stopped (and its process)
DRAW_NICENESS = 10  # the drawing process yields the CPU to the worker serving requests
_KEY_LABEL = b"modelcost-charts"
_V = TypeVar("_V")


# Draws by one client address (REMOTE_ADDR, the peer: see bot/slack/limits.py; spending the budget of
# Slack's image proxy's address would make its fetches fail, hence no X-Forwarded-For).
CLIENT_DRAWS = Rate(per_s=0.5, burst=6)
# Draws by a worker in all: at ~0.2 s each, under half a core at the sustained rate.
WORKER_DRAWS = Rate(per_s=2.0, burst=12)


class TooManyDraws(Exception):
    """A draw refused by the rate limits; `retry_after` is when one would be allowed, in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many charts drawn; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Png:
    """A chart's PNG as served: `private` when it is a workspace's view of the catalog (oauth mode),
    `max_age` the seconds a cache may keep it."""

    data: bytes
    private: bool
    max_age: int


def charted(answer: Answer) -> bool:
    """Whether an answer has a chart (bot.render.charts draws it): a fact of its type."""
    return has_chart(answer)


def alt_text(answer: Answer) -> str:
    """A short description of the chart, made without drawing it (the image block's alt text)."""
    if isinstance(answer, AlternativesAnswer):
        names = ", ".join(x.model.name for x in [*answer.alternatives, *answer.nearest])
        return f"Chart of cost against quality: {answer.target.name} and cheaper models ({names})."[:2000]
    if isinstance(answer, CompareAnswer):
        return ("Chart of cost against quality: " + ", ".join(m.name for m in answer.models) + ".")[:2000]
    if isinstance(answer, HistoryAnswer):
        return "Chart of the model's price history, input and output, per host."
    return "Chart"


def title(answer: Answer) -> str:
    """The chart's title, as the image block shows it."""
    if isinstance(answer, AlternativesAnswer):
        return f"Cheaper than {answer.target.name}: cost against quality"
    if isinstance(answer, CompareAnswer):
        return " vs ".join(m.name for m in answer.models) + ": cost against quality"
    if isinstance(answer, HistoryAnswer):
        return "Price history"
    return "Chart"


# (catalog stamp, text, workspace): what a chart shows, whenever its id was issued.
_Key = tuple[str, str, str]


class ChartLinks:
    """Signs chart links and serves their PNGs; one per app (build_app makes it, web.py serves it)."""

    def __init__(
        self,
        secret: str,
        public_url: str | None,
        *,
        answer: Callable[[str, str], Answer],
        version: Callable[[], object],
    ) -> None:
        self.public_url = public_url
        self._key = hmac.new(secret.encode(), _KEY_LABEL, hashlib.sha256).digest()
        self._answer = answer  # the answer to a (cacheable) command, now, for a workspace
        self._version = version
        self._lock = threading.Lock()
        self._answers: OrderedDict[_Key, Answer] = OrderedDict()
        self._pngs = _PngCache(KEPT_PNG_BYTES)
        self._drawing: dict[_Key, Future[bytes | None]] = {}
        self._limits = Limiter(CLIENT_DRAWS, WORKER_DRAWS, max_clients=KEPT_CLIENTS)

    def link(self, text: str, answer: Answer, workspace: str = SHARED) -> str | None:
        """The chart's URL for the answer to `text`; None without a public URL or a chart."""
        if self.public_url is None or not charted(answer) or len(text) > MAX_TEXT:
            return None
        stamp = _stamp(self._version())
        with self._lock:
            _keep(self._answers, (stamp, text, workspace), answer, KEPT_ANSWERS)
        _drawing.start()  # so that it is ready when Slack fetches the link, a moment from now
        return f"{self.public_url}/charts/{self.chart_id(text, stamp, workspace)}.png"

    def chart_id(self, text: str, stamp: str, workspace: str = SHARED) -> str:
        """The signed id of the chart of `text` at catalog `stamp`, issued now."""
        issued = int(time.time())  # UTC seconds: the same clock in every worker and host
        fields = [issued, stamp, text] if workspace == SHARED else [issued, stamp, text, workspace]
        encoded = base64.urlsafe_b64encode(json.dumps(fields, separators=(",", ":")).encode())
        payload = encoded.decode().rstrip("=")
        return f"{payload}.{self._sign(payload)}"

    def png(self, chart_id: str, client: str = "") -> Png | None:
        """The PNG for a chart id this app signed and that has not expired; None for any other (or one it
        can no longer draw). TooManyDraws when it must be drawn and `client` (an address) or this worker
        has drawn too many lately."""
        payload, _, signature = chart_id.partition(".")
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        fields = _fields(payload)
        if fields is None:
            return None  # signed, but made before ids said when they were issued
        issued, stamp, text, workspace = fields
        key = (stamp, text, workspace)
        left = issued + LIFETIME_S - time.time()
        if left <= 0 or left > LIFETIME_S + CLOCK_SKEW_S:
            return None
        data = self._kept_or_drawn(key, client)
        if data is None:
            return None
        return Png(data, private=workspace != SHARED, max_age=min(CACHE_S, int(left)))

    def draw(self, answer: Answer) -> bytes | None:
        """The answer's main chart as PNG, drawn in the drawing process; None if it has none."""
        return _drawing.run(draw, answer)

    def _kept_or_drawn(self, key: _Key, client: str) -> bytes | None:
        """The chart's PNG kept here, else drawn now, else from the draw of it already under way."""
        with self._lock:
            if (data := self._pngs.get(key)) is not None:
                return data
            flight = self._drawing.get(key)
            first = flight is None
            if flight is None:
                if (wait := self._limits.wait(client)) > 0:
                    raise TooManyDraws(max(1, math.ceil(wait)))
                flight = self._drawing[key] = Future()
            answer = self._answers.get(key)
        if not first:
            return flight.result()
        try:
            if answer is None:
                answer = self._again(key)
            data = None if answer is None else self.draw(answer)
            if data is not None:
                self._pngs.put(key, data)
            flight.set_result(data)
        except BaseException as exc:
            flight.set_exception(exc)
            raise
        finally:
            with self._lock:
                del self._drawing[key]
        return data

    def _again(self, key: _Key) -> Answer | None:
        """The answer again, by asking the command anew, if the catalog is still at that version."""
        stamp, text, workspace = key
        if stamp != _stamp(self._version()):
            return None  # the catalog changed since: this chart is no longer what the catalog says
        try:
            return self._answer(text, workspace)
        except UserError:
            return None

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def _fields(payload: str) -> tuple[int, str, str, str] | None:
    """(issued, stamp, text, workspace) from a signed payload; None for any other shape."""
    try:
        fields = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, TypeError, binascii.Error):
        return None
    match fields:
        case [int(issued), str(stamp), str(text)]:
            return issued, stamp, text, SHARED
        case [int(issued), str(stamp), str(text), str(workspace)]:
            return issued, stamp, text, workspace
    return None


def _keep(store: OrderedDict[_Key, _V], key: _Key, value: _V, size: int) -> None:
    store[key] = value
    store.move_to_end(key)
    while len(store) > size:
        store.popitem(last=False)


class _PngCache:
    """PNGs by what they show, least recently served dropped first once they pass `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._pngs: OrderedDict[_Key, bytes] = OrderedDict()
        self._bytes = 0

    def get(self, key: _Key) -> bytes | None:
        with self._lock:
            data = self._pngs.get(key)
            if data is not None:
                self._pngs.move_to_end(key)
            return data

    def put(self, key: _Key, data: bytes) -> None:
        with self._lock:
            self._bytes += len(data) - len(self._pngs.pop(key, b""))
            self._pngs[key] = data
            while self._bytes > self._limit:
                self._bytes -= len(self._pngs.popitem(last=False)[1])


def draw(answer: Answer) -> bytes | None:
    """The answer's main chart as PNG (matplotlib loads here, in the drawing process); None if it has none."""
    try:
        return charts_for(answer)[0].png
    except NoChartError:
        return None


class DrawingProcess:
    """A process of its own that draws: one per worker process, started when the worker makes its first
    chart link (or draw); draws go to it one at a time, as pickles over its stdin, and come back as
    PNG bytes over its stdout (it ends when its stdin closes, as the worker ends).

    A draw is CPU-bound for ~0.2 s. In the worker's greenlet it stalls every other request of the
    worker; in an OS thread it still shares the worker's GIL, which passes between threads only every
    5 ms (bench/README.md has both measured). In a process of its own, at a lower priority, matplotlib
    loads there and only there, and the worker waits for the PNG as for any socket: cooperatively
    under gevent, whose patched select is used here; in a thread of its own without gevent (tests'
    threaded server, Socket Mode's uploads).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._pid = 0  # the worker process that started it

    def run(self, fn: Callable[[Answer], bytes | None], answer: Answer) -> bytes | None:
        """fn(answer), run in the drawing process; RuntimeError if it raised there or did not finish."""
        request = pickle.dumps((fn, answer), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            process = self._started()
            assert process.stdin is not None and process.stdout is not None
            deadline = time.monotonic() + DRAW_TIMEOUT_S
            try:
                _send(process.stdin.fileno(), request, deadline)
                kind, body = _receive(process.stdout.fileno(), deadline)
            except (OSError, EOFError, TimeoutError) as exc:
                self._stop()
                raise RuntimeError(f"the drawing process failed: {exc!r}") from exc
        if kind == b"E":
            raise RuntimeError("drawing failed in the drawing process:\n" + body.decode(errors="replace"))
        return body if kind == b"P" else None

    def start(self) -> None:
        """Start the process now if it is not running (it loads matplotlib while nothing waits for it);
        if a draw holds it, it is running: nothing to wait for."""
        if self._lock.acquire(blocking=False):
            try:
                self._started()
            finally:
                self._lock.release()

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._pid == os.getpid() and self._process.poll() is None:
            return self._process
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        code = "from bot.slack.charts import serve_draws; serve_draws()"
        self._process = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self._pid = os.getpid()
        assert self._process.stdin is not None and self._process.stdout is not None
        os.set_blocking(self._process.stdin.fileno(), False)
        os.set_blocking(self._process.stdout.fileno(), False)
        return self._process

    def _stop(self) -> None:
        if self._process is not None and self._pid == os.getpid():
            self._process.kill()
            self._process.wait()
        self._process = None


_drawing = DrawingProcess()


def serve_draws() -> None:
    """The drawing process: runs each (fn, answer) read from stdin and answers on stdout, until stdin
    closes. What the drawing prints goes to stderr."""
    os.nice(DRAW_NICENESS)
    out = os.dup(1)
    os.dup2(2, 1)
    forever = math.inf
    with canvas(100) as fig:  # matplotlib and its fonts load now, before the first draw is asked
        fig.text(0.5, 0.5, "$0.60")
        fig.savefig(io.BytesIO(), format="png")
    while True:
        try:
            fn, answer = pickle.loads(_receive_raw(0, forever))
        except EOFError:
            return  # the worker is gone
        try:
            png = fn(answer)
        except Exception:  # told to the worker, which raises it for the request
            _send(out, b"E" + traceback.format_exc().encode(), forever)
            continue
        _send(out, b"N" if png is None else b"P" + png, forever)


def _send(fd: int, data: bytes, deadline: float) -> None:
    message = memoryview(struct.pack(">I", len(data)) + data)
    while message:
        _wait(fd, deadline, write=True)
        try:
            message = message[os.write(fd, message) :]
        except BlockingIOError:
            continue


def _receive(fd: int, deadline: float) -> tuple[bytes, bytes]:
    message = _receive_raw(fd, deadline)
    return message[:1], message[1:]


def _receive_raw(fd: int, deadline: float) -> bytes:
    (length,) = struct.unpack(">I", _read(fd, 4, deadline))
    return _read(fd, length, deadline)


def _read(fd: int, size: int, deadline: float) -> bytes:
    chunks, left = [], size
    while left:
        _wait(fd, deadline, write=False)
        try:
            chunk = os.read(fd, min(left, 1 << 20))
        except BlockingIOError:
            continue
        if not chunk:
            raise EOFError("the pipe closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _wait(fd: int, deadline: float, *, write: bool) -> None:
    """Until `fd` is ready (select: cooperative under gevent); TimeoutError past `deadline`."""
    left = None if deadline == math.inf else deadline - time.monotonic()
    if left is not None and left <= 0:
        raise TimeoutError("the drawing process took too long")
    ready = select.select([], [fd], [], left) if write else select.select([fd], [], [], left)
    if not any(ready):
        raise TimeoutError("the drawing process took too long")


def _stamp(version: object) -> str:
    """A short, stable tag of a catalog version (the same in every worker)."""
    return hashlib.sha256(repr(version).encode()).hexdigest()[:16]

"""Charts in Slack: signed chart links served by the app itself, and PNGs drawn on demand.

With a public URL (HTTP mode, MODELCOST_PUBLIC_URL), a reply that has a chart carries an image block
whose URL is `<public_url>/charts/<id>.png`. The id is what is drawn, the command text and the catalog
version, and an HMAC of it under a key derived from the signing secret: nobody can list the charts or
have the app draw one it did not offer, and a changed id answers 404. Making the link draws nothing
(the ack never waits for matplotlib): the PNG is drawn when Slack first fetches it, from the answer
kept here, or, in another worker or after eviction, by asking the command again while the catalog is
at the same version. PNGs are kept in a small LRU per worker. In oauth mode the id also names the
workspace whose view of the catalog the answer is (bot.catalog.workspaces), and is asked again as it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from slack_bolt import App

from bot.catalog.answers import AlternativesAnswer, Answer, CompareAnswer, HistoryAnswer
from bot.catalog.workspaces import SHARED
from bot.errors import NoChartError, UserError

log = logging.getLogger(__name__)

PATH = re.compile(r"/charts/(?P<id>[A-Za-z0-9_-]{1,600}\.[0-9a-f]{32})\.png")
KEPT_PNGS = 64  # per worker; a PNG is 30 to 150 KB
KEPT_ANSWERS = 256
MAX_TEXT = 300  # longer commands get no chart link (a URL stays short)
_KEY_LABEL = b"modelcost-charts"
_V = TypeVar("_V")


def charted(answer: Answer) -> bool:
    """Whether an answer has a chart (bot.render.charts draws these kinds)."""
    return isinstance(answer, AlternativesAnswer | CompareAnswer | HistoryAnswer)


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


class ChartLinks:
    """Signs chart links and serves their PNGs; one per app (Replier makes it)."""

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
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._pngs: OrderedDict[str, bytes] = OrderedDict()

    def link(self, text: str, answer: Answer, workspace: str = SHARED) -> str | None:
        """The chart's URL for the answer to `text`; None without a public URL or a chart."""
        if self.public_url is None or not charted(answer) or len(text) > MAX_TEXT:
            return None
        chart_id = self.chart_id(text, _stamp(self._version()), workspace)
        self._keep(self._answers, chart_id, answer, KEPT_ANSWERS)
        return f"{self.public_url}/charts/{chart_id}.png"

    def chart_id(self, text: str, stamp: str, workspace: str = SHARED) -> str:
        fields = [stamp, text] if workspace == SHARED else [stamp, text, workspace]
        payload = base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")
        return f"{payload}.{self._sign(payload)}"

    def png(self, chart_id: str) -> bytes | None:
        """The PNG for a chart id this app signed; None for any other (or one it can no longer draw)."""
        payload, _, signature = chart_id.partition(".")
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        with self._lock:
            if (png := self._pngs.get(chart_id)) is not None:
                self._pngs.move_to_end(chart_id)
                return png
            answer = self._answers.get(chart_id)
        if answer is None:
            answer = self._again(payload)
            if answer is None:
                return None
        png = draw(answer)
        if png is not None:
            self._keep(self._pngs, chart_id, png, KEPT_PNGS)
        return png

    def _again(self, payload: str) -> Answer | None:
        """The answer again, by asking the command anew, if the catalog is still at that version."""
        try:
            stamp, text, *rest = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (ValueError, TypeError, binascii.Error):
            return None
        workspace = rest[0] if rest else SHARED
        if not isinstance(text, str) or not isinstance(workspace, str) or stamp != _stamp(self._version()):
            return None  # the catalog changed since: this chart is no longer what the catalog says
        try:
            return self._answer(text, workspace)
        except UserError:
            return None

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()[:32]

    def _keep(self, store: OrderedDict[str, _V], key: str, value: _V, size: int) -> None:
        with self._lock:
            store[key] = value
            store.move_to_end(key)
            while len(store) > size:
                store.popitem(last=False)


def draw(answer: Answer) -> bytes | None:
    """The answer's main chart as PNG (matplotlib loads here, on the first chart); None if it has none."""
    from bot.render.charts import charts_for

    try:
        return charts_for(answer)[0].png
    except NoChartError:
        return None


def _stamp(version: object) -> str:
    """A short, stable tag of a catalog version (the same in every worker)."""
    return hashlib.sha256(repr(version).encode()).hexdigest()[:16]


_LINKS: weakref.WeakKeyDictionary[App, ChartLinks] = weakref.WeakKeyDictionary()


def register(app: App, links: ChartLinks) -> None:
    """Let the WSGI layer (bot.slack.web) find the app's chart links."""
    _LINKS[app] = links


def links_for(app: App) -> ChartLinks | None:
    return _LINKS.get(app)

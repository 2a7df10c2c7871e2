"""Rendered replies by command text, kept while the catalog's version stays the same.

The catalog changes a few times a day (a feed sync, an admin's edit) while the same questions come
again and again, so a reply computed once serves until then. Each reply is tagged with the version
read (fresh) just before and after making it, and kept only if the two agree; it is served while
the version last seen is that tag. The version is reread at most once per `recheck` seconds, so a
change made by another process shows within that time; entries also expire after `max_age`.
When the version can't be read (the database is down), `stale` still finds the last reply kept.
Replies are kept per workspace (bot.domain.workspaces): each sees its own view of the catalog.

A reply is kept from the second time its text is asked (`admit` remembers up to ASKED texts asked,
forgetting them all at once when full): a question asked once, as most distinct ones are, is
answered and forgotten, and costs the cache nothing but its text remembered. Keeping every reply
made each distinct question pay for storing a reply no one would ask for again, and for freeing the
one it pushed out.

A reply kept is also kept as the JSON of its ack, made the first time it is served again: encoding a
reply of a few KB costs more than the rest of serving it from here. That JSON is ASCII (other
characters escaped), which Bolt turns into the body's bytes by copying them; a reply sent once is
encoded the faster way, in UTF-8 (see ack_json).
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from pydantic_core import PydanticSerializationError, to_json

from bot.domain.workspaces import SHARED
from bot.render.kit import Message

_JSON = json.JSONEncoder(check_circular=False)  # a reply is a tree of dicts and lists: no cycle to look for


def ack_json(message: Message) -> str:
    """The body of the ack that answers with `message` privately (what Bolt's ack(response_type=
    "ephemeral", **message) encodes). Bolt sends a body that starts with `{` as application/json,
    in UTF-8.

    Encoded by pydantic-core, in a third of the json module's time on a reply of a few KB (compact,
    with other than ASCII as UTF-8 rather than escaped: the same JSON to Slack; Bolt encodes such a
    body again, in a third of the time saved); by the json module when pydantic-core can't (text
    that isn't valid Unicode, a lone surrogate). pydantic-core would also encode what the json
    module refuses (a Decimal, a date): a message holds only text, numbers, booleans, lists and
    dicts, as tests/slack/test_cache.py checks of every reply in tests/golden.py's corpus."""
    body = _ack_body(message)
    try:
        return to_json(body).decode()
    except PydanticSerializationError:
        return _JSON.encode(body)


def _ack_body(message: Message) -> dict[str, object]:
    """What an ack answering privately with `message` says (Bolt's ack(response_type=..., **message))."""
    return {**message, "response_type": "ephemeral"}


class Reply:
    """A reply kept: its message, and the JSON of its ack, made on first use (threads that race to make
    it make the same text)."""

    __slots__ = ("message", "_json")

    def __init__(self, message: Message) -> None:
        self.message = message
        self._json: str | None = None

    @property
    def json(self) -> str:
        if self._json is None:
            self._json = _JSON.encode(_ack_body(self.message))  # ASCII
        return self._json


RECHECK_S = 1.0
MAX_AGE_S = 300.0
SIZE = 512
MAX_KEY = 200  # longer texts are rare and not worth keeping
ASKED = 4 * SIZE  # texts remembered as asked once; forgotten all at once when full


class ReplyCache:
    def __init__(
        self,
        version: Callable[[], object],
        *,
        recheck: float = RECHECK_S,
        max_age: float = MAX_AGE_S,
        size: int = SIZE,
    ) -> None:
        self._version = version
        self._recheck = recheck
        self._max_age = max_age
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str], tuple[float, object, Reply]] = OrderedDict()
        self._asked: set[tuple[str, str]] = set()
        self._seen: object = None
        self._checked = float("-inf")

    @property
    def enabled(self) -> bool:
        return self._size > 0

    def get(self, text: str, workspace: str = SHARED) -> Reply | None:
        if not self.enabled or len(text) > MAX_KEY:
            return None
        if time.monotonic() - self._checked >= self._recheck:
            self.read_version()
        key = (workspace, text)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[1] != self._seen or time.monotonic() - entry[0] > self._max_age:
                return None
            self._entries.move_to_end(key)
            return entry[2]

    def admit(self, text: str, workspace: str = SHARED) -> bool:
        """Whether the reply to `text` is worth keeping: the text was asked before, recently. The first
        time, it is only remembered."""
        if not self.enabled or len(text) > MAX_KEY:
            return False
        key = (workspace, text)
        with self._lock:
            if key in self._asked:
                return True
            if len(self._asked) >= ASKED:
                self._asked.clear()
            self._asked.add(key)
            return False

    def stale(self, text: str, workspace: str = SHARED) -> Message | None:
        """The reply kept for `text` whatever its age, for when the catalog can't be asked; the
        caller marks it as possibly out of date."""
        with self._lock:
            entry = self._entries.get((workspace, text))
            return entry[2].message if entry is not None else None

    def read_version(self) -> object:
        """The catalog's version, read now (and remembered as the version last seen)."""
        current = self._version()
        with self._lock:
            self._checked = time.monotonic()
            if current != self._seen:
                self._seen = current
                self._entries.clear()
        return current

    def put(
        self, text: str, message: Message, before: object, after: object, workspace: str = SHARED
    ) -> None:
        """Keep `message` if the catalog's version was the same before and after making it."""
        if not self.enabled or len(text) > MAX_KEY or before != after:
            return
        key = (workspace, text)
        with self._lock:
            self._entries[key] = (time.monotonic(), after, Reply(message))
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

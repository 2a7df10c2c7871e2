"""How often anonymous clients may ask the web tier for something that costs it (a page that writes
a row): token buckets in the worker process's memory, one per client address and one for everyone.

Each bucket holds up to `burst` requests and refills at `per_minute`; a request takes one from its
client's bucket and one from the overall bucket, or, when either is empty, none and is told how
long to wait. Only the MAX_CLIENTS addresses seen last are remembered: a client forgotten starts
afresh, and the overall bucket still bounds everyone, however many addresses they use.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

MAX_CLIENTS = 10_000  # addresses remembered per limiter: under 3 MB, addresses of 64 characters (measured)


@dataclass(frozen=True, slots=True)
class Rate:
    burst: int  # requests at once
    per_minute: float  # and then this many a minute


class _Bucket:
    __slots__ = ("level", "at")

    def __init__(self, level: float, at: float) -> None:
        self.level, self.at = level, at

    def refill(self, rate: Rate, now: float) -> None:
        self.level = min(float(rate.burst), self.level + (now - self.at) * rate.per_minute / 60)
        self.at = now

    def wait(self, rate: Rate) -> float:
        """Seconds until a request may be taken (0 if now)."""
        return 0.0 if self.level >= 1 else (1 - self.level) * 60 / rate.per_minute


class Limiter:
    def __init__(
        self,
        per_client: Rate,
        overall: Rate,
        *,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_client, self.overall = per_client, overall
        self._max_clients = max_clients
        self._clock = clock
        self._lock = threading.Lock()
        self._all = _Bucket(overall.burst, clock())
        self._clients: OrderedDict[str, _Bucket] = OrderedDict()

    def wait(self, client: str) -> float:
        """0 when `client` may go ahead now (and the request is counted); else how many seconds until
        it may (and nothing is counted)."""
        with self._lock:
            now = self._clock()
            mine = self._clients.pop(client, None) or _Bucket(self.per_client.burst, now)
            self._clients[client] = mine  # the most recently seen last
            if len(self._clients) > self._max_clients:
                self._clients.popitem(last=False)
            mine.refill(self.per_client, now)
            self._all.refill(self.overall, now)
            wait = max(mine.wait(self.per_client), self._all.wait(self.overall))
            if not wait:
                mine.level -= 1
                self._all.level -= 1
            return wait

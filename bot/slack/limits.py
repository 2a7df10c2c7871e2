"""How often anonymous clients may make the web tier do something costly (draw a chart, write an
install state): token buckets in the worker process's memory, one per client address and one for
everyone.

Each bucket holds up to `burst` requests and refills at `per_s` a second; a request takes one from
its client's bucket and one from the overall bucket, or, when either is empty, takes none and is
told how long to wait. Only the `max_clients` addresses seen last are remembered: a client
forgotten starts afresh, and the overall bucket still bounds everyone, however many addresses they
use. The client address is the connection's peer (REMOTE_ADDR): X-Forwarded-For is not read, since
any client can write it, to get a fresh budget per request or to spend the budget of the address it
names. Behind a proxy the peer is the proxy, and the per-client limit acts as a second overall one.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

MAX_CLIENTS = 4096  # addresses remembered per limiter, by default: some 1 MB at most


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket's settings: `burst` requests at once, refilled at `per_s` a second."""

    per_s: float
    burst: int


class _Bucket:
    __slots__ = ("level", "at")

    def __init__(self, level: float, at: float) -> None:
        self.level, self.at = level, at

    def refill(self, rate: Rate, now: float) -> None:
        self.level = min(float(rate.burst), self.level + (now - self.at) * rate.per_s)
        self.at = now

    def wait(self, rate: Rate) -> float:
        """Seconds until a request may be taken (0 if now)."""
        return 0.0 if self.level >= 1 else (1 - self.level) / rate.per_s


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
        """0 when `client` (an address) may go ahead now, the request counted against both buckets;
        else the seconds until both would allow it, nothing counted."""
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

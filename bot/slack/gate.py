"""The web tier's view of the database: whether the catalog can be asked right now.

A worker boots whether or not PostgreSQL is up: the catalog is migrated and seeded on first use
(`ensure_catalog`), not at import, and retried until it works. After a failure to reach the
database, requests are answered "unavailable" at once for a short backoff (0.5 s, doubling to
5 s) instead of each waiting on a dead server; the first request after it tries again, so answers
resume within seconds of the database's return. Each failure to reach it is one log line;
anything else is unexpected and keeps its traceback.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import InterfaceError as SAInterfaceError
from sqlalchemy.exc import OperationalError as SAOperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.contract.errors import CatalogUnavailableError
from bot.feeds.seed import ensure_catalog

log = logging.getLogger(__name__)

T = TypeVar("T")

# What a database that is down, restarting or unreachable raises (a pool with no free
# connection too); anything else is a bug and is not retried quietly.
UNREACHABLE: tuple[type[Exception], ...] = (
    SAOperationalError,
    SAInterfaceError,
    DisconnectionError,
    PoolTimeout,
)
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 5.0


class CatalogGate:
    """Runs catalog work for the web tier: prepares the catalog once, and backs off after failures."""

    def __init__(
        self,
        engine: Engine,
        *,
        prepare: Callable[[Engine], None] = ensure_catalog,
        first_backoff: float = FIRST_BACKOFF_S,
        max_backoff: float = MAX_BACKOFF_S,
    ) -> None:
        self.engine = engine
        self._prepare = prepare
        self._first = first_backoff
        self._max = max_backoff
        self._lock = threading.Lock()
        self._preparing = threading.Lock()  # one thread migrates and seeds; the others wait for it
        self._ready = False
        self._retry_at = float("-inf")
        self._backoff = 0.0

    @property
    def ready(self) -> bool:
        """Whether the catalog has been checked (migrated, seeded) in this process."""
        return self._ready

    def run(self, work: Callable[[], T]) -> T:
        """`work()`, once the catalog is ready; CatalogUnavailableError when the database can't be
        reached (now, or within the backoff after a failure). Other errors pass through."""
        if time.monotonic() < self._retry_at:
            raise CatalogUnavailableError()
        try:
            if not self._ready:
                self._prepare_once()
            result = work()
        except UNREACHABLE as exc:
            self._failed(exc)
            raise CatalogUnavailableError() from exc
        if self._backoff:
            self._recovered()
        return result

    def try_prepare(self) -> None:
        """Prepare the catalog now if the database is there (at boot); later requests retry if not."""
        try:
            self.run(lambda: None)
        except CatalogUnavailableError:
            pass  # logged by _failed; the worker serves "unavailable" until the database is back
        except Exception:
            # A migration or seed that fails for another reason is a bug, but the worker must still
            # boot (gunicorn stops for good when one can't): say so in full and retry on use.
            log.exception("preparing the catalog failed; it is retried on the next request")

    def _prepare_once(self) -> None:
        with self._preparing:
            if not self._ready:
                self._prepare(self.engine)
                self._ready = True

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            self._backoff = min(self._max, self._backoff * 2) if self._backoff else self._first
            self._retry_at = time.monotonic() + self._backoff
            backoff = self._backoff
        log.warning(
            "catalog unavailable (%s); answering 'unavailable' for %.1f s before trying again",
            describe(exc),
            backoff,
        )

    def _recovered(self) -> None:
        with self._lock:
            if not self._backoff:
                return
            self._backoff = 0.0
        log.warning("catalog reachable again")


def describe(exc: BaseException) -> str:
    """One short line for the log: the driver's error class and the first line of its message."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = next(iter(str(orig).strip().splitlines()), "")
    return f"{type(orig).__name__}: {first[:200]}" if first else type(orig).__name__

"""The current read model of each database, shared by all threads of a process.

`current(engine)` returns the snapshot (bot.read.model) to answer from. How it knows the
snapshot still holds:

- watched (`watch(engine)`, the Slack app): a background thread reads the catalog's version at most
  once a second and swaps in a new snapshot when it moved (or the day turned); a request never
  touches the database. The thread stops by itself when no one has asked for a while, and the next
  `current` starts it again.
- unwatched (the CLI, tests): each `current` reads the version (one query) and rebuilds on a move.

A write made in this process calls `changed(engine)`, so its next read sees the write at once.
The CLI may also keep snapshots on disk (`use_disk`): see bot.read.snapfile.

Workspaces (bot.domain.workspaces): a workspace with no rows of its own (most) reads the shared
snapshot; one with its own prices, names, team scores or workload reads the shared snapshot with its
own rows layered over it (bot.read.layered): its rows are read on its first question after a change
of its own (bot.store.owned; the watcher rereads those of the workspaces asked lately when theirs
move), and laid over each new shared snapshot in the time of a few lookups. A shared change builds
one snapshot per process, never one per workspace; a workspace's change reads only its own rows.
`builds(engine)` counts what was built, for tests and benchmarks.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from bot import db
from bot.domain import lifecycle
from bot.domain.workspaces import SHARED
from bot.read import snapfile
from bot.read.builder import build
from bot.read.layered import layer
from bot.read.model import ReadModel
from bot.store.lifecycle import retired_by
from bot.store.owned import OwnRows, own_rows
from bot.store.version import SHARED_PART, catalog_version, workspaces_with_rows

log = logging.getLogger(__name__)

POLL_S = 1.0
IDLE_S = 30.0  # a watcher with no reader for this long stops polling (and restarts on the next read)
VIEWS = 256  # workspaces' layered views kept per database (tens of KB each: the rest is the shared one's)
OWN_ROWS = 4096  # workspaces' own rows kept per database (a few KB each), the least recently asked dropped


class _Holder:
    def __init__(self, engine: Engine) -> None:
        self.engine = weakref.ref(engine)
        self.model: ReadModel | None = None
        self.seen: tuple[object, ...] | None = None  # the catalog's version last read (shared and own)
        self.dirty = True  # the version must be read before the next answer
        self.writes = 0  # writes made in this process (`changed`): a refresh begun before one is not enough
        self.unreachable = False  # the last version check could not reach the database
        self.watched = 0
        self.polling = False
        self.last_read = time.monotonic()
        self.disk: Path | None = None
        self.lock = threading.Lock()  # one build at a time; readers never wait for it unless they must
        # Workspaces with rows of their own and their own versions, as of a catalog version.
        self.owners: tuple[tuple[object, ...], dict[str, tuple[object, ...]]] | None = None
        self.own: OrderedDict[str, OwnRows] = OrderedDict()  # their rows, least recently asked first
        # Their views: (the shared snapshot and own rows it was laid from, the view), least recent first.
        self.views: OrderedDict[str, tuple[ReadModel, OwnRows, ReadModel]] = OrderedDict()
        self.whole: set[str] = set()  # workspaces whose rows can't be layered: their views are built whole
        self.views_lock = threading.Lock()
        self.built: Counter[str] = Counter()  # shared | layered | whole: see `builds`

    def get(self) -> ReadModel:
        self.last_read = time.monotonic()
        model = self.model
        if self.watched:
            if not self.polling:
                self._start()
            if model is not None and not self.dirty:
                return model
        return self.refresh()

    def view(self, workspace: str) -> ReadModel:
        """The snapshot of a workspace's view: the shared one, with its own rows layered over it.
        The lock guards the caches only: rows are read and views made outside it (two threads may
        make the same one; either is kept)."""
        shared = self.get()
        if workspace == SHARED:
            return shared
        version = self._owners().get(workspace)
        if version is None:
            return shared
        with self.views_lock:
            own = self.own.get(workspace)
            kept = self.views.get(workspace)
            if own is not None and own.version == version:
                self.own.move_to_end(workspace)
                if kept is not None and kept[0] is shared and kept[1] is own:
                    self.views.move_to_end(workspace)
                    return kept[2]
        if own is None or own.version != version:
            own = self._load_own(workspace)
        model = layer(shared, own)
        if model is not None:
            self.built["layered"] += 1
            self.whole.discard(workspace)
        else:
            engine = self.engine()
            assert engine is not None, "the engine is gone"
            self.built["whole"] += 1
            self.whole.add(workspace)
            model = _load(engine, shared.version, shared.on, self.disk, workspace)
        with self.views_lock:
            if self.model is shared:  # not laid over a snapshot swapped out meanwhile
                self.views[workspace] = (shared, own, model)
                self.views.move_to_end(workspace)
                while len(self.views) > VIEWS:
                    self.views.popitem(last=False)
        return model

    def _load_own(self, workspace: str) -> OwnRows:
        """Read a workspace's own rows, and keep them."""
        engine = self.engine()
        assert engine is not None, "the engine is gone"
        with db.read_only(engine) as session:
            own = own_rows(session, workspace)
        with self.views_lock:
            self.own[workspace] = own
            self.own.move_to_end(workspace)
            while len(self.own) > OWN_ROWS:
                self.own.popitem(last=False)
        return own

    def _owners(self) -> dict[str, tuple[object, ...]]:
        """The workspaces with rows of their own, as of the workspaces' part of the version last read
        (a shared change leaves them as they are)."""
        known = self.owners
        own_part = (self.seen or ())[SHARED_PART:]
        if known is None or known[0] != own_part:
            engine = self.engine()
            assert engine is not None, "the engine is gone"
            known = self.owners = (own_part, workspaces_with_rows(engine))
        return known[1]

    def _reload_moved(self) -> None:
        """Reread the own rows of the workspaces asked lately whose own version moved (off the request
        path, by the watcher), and forget those of workspaces with no rows left."""
        owners = self._owners()
        with self.views_lock:
            kept = list(self.own.items())
        for workspace, own in kept:
            if workspace not in owners:
                with self.views_lock:
                    self.own.pop(workspace, None)
                    self.views.pop(workspace, None)
            elif own.version != owners[workspace]:
                self._load_own(workspace)

    def version(self) -> tuple[object, ...]:
        """The catalog's version as last read (the shared catalog's and the workspaces' own rows'); after
        a write here, the database's (one query), so a reply cache forgets at once while the rebuild
        waits for the next question."""
        self.last_read = time.monotonic()
        if self.watched and not self.polling:
            self._start()
        seen = self.seen
        if seen is not None and self.model is not None and not self.dirty:
            return seen
        engine = self.engine()
        assert engine is not None, "the engine is gone"
        return catalog_version(engine)

    def refresh(self) -> ReadModel:
        """The snapshot for the catalog as it is now: the one held if the shared catalog's part of the
        version still holds (a workspace's own change leaves it as it is)."""
        engine = self.engine()
        assert engine is not None, "the engine is gone"
        with self.lock:
            # Dirty until this refresh is done: a reader meanwhile waits for it rather than answer from
            # the snapshot held, which may not show a write made here (its own, a moment ago).
            writes = self.writes
            version, on = catalog_version(engine), lifecycle.today()
            model = self.model
            if model is None or model.version[:SHARED_PART] != version[:SHARED_PART] or model.on != on:
                model = _load(engine, version, on, self.disk)
                self.built["shared"] += 1
                with self.views_lock:
                    self.views.clear()  # laid over the old snapshot: let it go (each laid again when asked)
                self.model = model
            self.seen = version
            self.dirty = False
            if self.writes != writes or not model.models:
                # A write here since the version was read; or a catalog not seeded yet (another process
                # may be seeding it now): ask again next time.
                self.dirty = True
            return model

    def _start(self) -> None:
        with self.lock:
            if self.polling:
                return
            self.polling = True
        threading.Thread(target=self._poll, name="modelcost-catalog", daemon=True).start()

    def _poll(self) -> None:
        """Build at once (a worker's first question finds its snapshot ready), then recheck each second."""
        try:
            while self.watched and time.monotonic() - self.last_read < IDLE_S:
                if self.engine() is None:
                    return
                try:
                    self.refresh()
                    self._reload_moved()  # no workspace's view is built here: each is laid when asked
                    self.unreachable = False
                except DBAPIError as exc:
                    # The database is away for a moment: keep answering from the snapshot held.
                    if not self.unreachable:
                        log.warning("catalog version check failed: %s", exc.orig or exc)
                    self.unreachable = True
                time.sleep(POLL_S)
        finally:
            self.polling = False


def _load(
    engine: Engine, version: tuple[object, ...], on: object, disk: Path | None, workspace: str = SHARED
) -> ReadModel:
    if disk is not None and (found := snapfile.load(disk, engine, version, on, workspace)) is not None:
        return found
    with db.read_only(engine) as session:
        model = build(session, lifecycle.today(), workspace)
    if disk is not None:
        snapfile.save(disk, engine, model)
    return model


_holders: weakref.WeakKeyDictionary[Engine, _Holder] = weakref.WeakKeyDictionary()
_holders_lock = threading.Lock()


def _holder(engine: Engine) -> _Holder:
    if (holder := _holders.get(engine)) is None:
        with _holders_lock:
            if (holder := _holders.get(engine)) is None:
                holder = _holders[engine] = _Holder(engine)
    return holder


def current(engine: Engine, workspace: str = SHARED) -> ReadModel:
    """The read model to answer from, in a workspace's view (the shared catalog's by default)."""
    holder = _holder(engine)
    return holder.get() if workspace == SHARED else holder.view(workspace)


def held(engine: Engine, workspace: str = SHARED) -> bool:
    """Whether `current(engine, workspace)` would answer from memory now, reading no database (watched,
    nothing written here since, and the workspace's own rows read if it has any): a question can then
    be answered where it arrives, with no thread hop. Laying a workspace's rows over a new shared
    snapshot reads nothing and takes a few lookups, so it is held too."""
    holder = _holder(engine)
    model = holder.model
    if not holder.watched or model is None or holder.dirty:
        return False
    if workspace == SHARED:
        return True
    owners = holder.owners
    if owners is None or owners[0] != (holder.seen or ())[SHARED_PART:]:
        return False
    if workspace not in owners[1]:
        return True
    own = holder.own.get(workspace)
    if own is None or own.version != owners[1][workspace]:
        return False
    if workspace not in holder.whole:
        return True
    kept = holder.views.get(workspace)
    return kept is not None and kept[0] is model and kept[1] is own


def builds(engine: Engine) -> dict[str, int]:
    """What this process made for this database: `shared` snapshots built, workspaces' views `layered`
    over one, and views built `whole` (a workspace's rows that can't be layered)."""
    return dict(_holder(engine).built)


def unreachable(engine: Engine) -> bool:
    """Whether the last background check could not reach the database: answers come from the snapshot
    held, which may be out of date."""
    return _holder(engine).unreachable


def changed(engine: Engine) -> None:
    """A write in this process: the next read rereads the version (and so sees the write)."""
    holder = _holder(engine)
    holder.writes += 1  # first: a refresh ending now sees it and stays dirty (see `refresh`)
    holder.dirty = True


def watch(engine: Engine) -> Callable[[], object]:
    """Keep this engine's snapshot fresh from a background thread (it builds the first one now);
    returns the catalog's version as the snapshot in use sees it (it reads no database, except
    once after a write made here)."""
    holder = _holder(engine)
    with holder.lock:
        holder.watched += 1
    holder.last_read = time.monotonic()
    holder._start()
    return holder.version


def unwatch(engine: Engine) -> None:
    holder = _holder(engine)
    with holder.lock:
        holder.watched = max(0, holder.watched - 1)


def start_from(engine: Engine, model: ReadModel) -> None:
    """Begin this engine's snapshot with `model`, built from another database holding the same catalog
    (a copy of it: each test's copy of the seeded catalog), instead of building it again. Kept, like
    any snapshot, only while the catalog's version says it holds: a write that moves the version
    rebuilds it; one that moves none (SQL written by hand, not through the store) is not seen."""
    holder = _holder(engine)
    with holder.lock:
        if holder.model is None:
            holder.model, holder.dirty = model, True


def use_disk(engine: Engine, directory: Path) -> None:
    """Keep this engine's snapshots in `directory` too, so a fresh process can skip the build."""
    _holder(engine).disk = directory


_BUILT_FOR: OrderedDict[tuple[str, str, tuple[date, ...], tuple[object, ...]], ReadModel] = OrderedDict()
_BUILT_FOR_LOCK = threading.Lock()


def as_of(engine: Engine, on: date, workspace: str = SHARED) -> ReadModel:
    """The read model with lifecycle statuses as of day `on` (`modelcost worker --now`): the current
    one when `on` is today, else one built for that day, the last few kept while the catalog holds.

    A day enters the build only as `retires_on <= on`, so two days with the same retirement days
    behind them have the same model but for its `on`: one built for either serves both."""
    if on == lifecycle.today():
        return current(engine, workspace)
    version = catalog_version(engine)  # first: a change after it makes this key one never asked again
    with db.read_only(engine) as session:
        passed = retired_by(session, on)
    key = (str(engine.url), workspace, passed, version)
    with _BUILT_FOR_LOCK:
        if (model := _BUILT_FOR.get(key)) is not None:
            return model if model.on == on else dataclasses.replace(model, on=on)
    with db.read_only(engine) as session:
        model = build(session, on, workspace)
    with _BUILT_FOR_LOCK:
        _BUILT_FOR[key] = model
        while len(_BUILT_FOR) > 4:
            _BUILT_FOR.popitem(last=False)
    return model

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
snapshot; one with its own prices, names or team scores gets its own snapshot of the same version,
built on its first question after a change and kept for the VIEWS workspaces asked last.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import weakref
from collections import OrderedDict
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
from bot.read.model import ReadModel
from bot.store.lifecycle import retired_by
from bot.store.version import catalog_version, workspaces_with_rows

log = logging.getLogger(__name__)

POLL_S = 1.0
IDLE_S = 30.0  # a watcher with no reader for this long stops polling (and restarts on the next read)
VIEWS = 16  # workspaces' own snapshots kept per database (about 2.5 MB each, built in ~0.4 s)


class _Holder:
    def __init__(self, engine: Engine) -> None:
        self.engine = weakref.ref(engine)
        self.model: ReadModel | None = None
        self.dirty = True  # the version must be read before the next answer
        self.unreachable = False  # the last version check could not reach the database
        self.watched = 0
        self.polling = False
        self.last_read = time.monotonic()
        self.disk: Path | None = None
        self.lock = threading.Lock()  # one build at a time; readers never wait for it unless they must
        # Workspaces with rows of their own, as of a version; and their snapshots, least recent first.
        self.owners: tuple[tuple[object, ...], frozenset[str]] | None = None
        self.views: OrderedDict[str, ReadModel] = OrderedDict()

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
        """The snapshot of a workspace's view: the shared one, unless it has rows of its own."""
        shared = self.get()
        if workspace == SHARED or workspace not in self._owners(shared):
            return shared
        model = self.views.get(workspace)
        if model is not None and (model.version, model.on) == (shared.version, shared.on):
            self.views.move_to_end(workspace)
            return model
        engine = self.engine()
        assert engine is not None, "the engine is gone"
        with self.lock:
            model = self.views.get(workspace)
            if model is None or (model.version, model.on) != (shared.version, shared.on):
                model = _load(engine, shared.version, shared.on, self.disk, workspace)
            self.views[workspace] = model
            self.views.move_to_end(workspace)
            while len(self.views) > VIEWS:
                self.views.popitem(last=False)
        return model

    def _owners(self, shared: ReadModel) -> frozenset[str]:
        known = self.owners
        if known is None or known[0] != shared.version:
            engine = self.engine()
            assert engine is not None, "the engine is gone"
            known = self.owners = (shared.version, workspaces_with_rows(engine))
        return known[1]

    def version(self) -> tuple[object, ...]:
        """The version of the snapshot in use; after a write here, the database's (one query), so a
        reply cache forgets at once while the rebuild waits for the next question."""
        self.last_read = time.monotonic()
        if self.watched and not self.polling:
            self._start()
        model = self.model
        if model is not None and not self.dirty:
            return model.version
        engine = self.engine()
        assert engine is not None, "the engine is gone"
        return catalog_version(engine)

    def refresh(self) -> ReadModel:
        """The snapshot for the catalog as it is now: the one held if its version still holds."""
        engine = self.engine()
        assert engine is not None, "the engine is gone"
        with self.lock:
            self.dirty = False  # cleared first: a write during the read marks it again
            version, on = catalog_version(engine), lifecycle.today()
            model = self.model
            if model is None or model.version != version or model.on != on:
                model = self.model = _load(engine, version, on, self.disk)
            if not model.models:
                # A catalog not seeded yet (another process may be seeding it now): ask again next time.
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
                    shared = self.refresh()
                    for workspace in list(self.views):
                        if self.views.get(workspace, shared).version != shared.version:
                            self.view(workspace)  # rebuilt here rather than on its next question
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
    """Whether `current(engine, workspace)` would answer from a snapshot in memory now, reading no
    database (watched, nothing written here since, and the workspace's own snapshot built if it needs
    one): a question can then be answered where it arrives, with no thread hop."""
    holder = _holder(engine)
    model = holder.model
    if not holder.watched or model is None or holder.dirty:
        return False
    if workspace == SHARED:
        return True
    owners = holder.owners
    if owners is None or owners[0] != model.version:
        return False
    if workspace not in owners[1]:
        return True
    view = holder.views.get(workspace)
    return view is not None and (view.version, view.on) == (model.version, model.on)


def unreachable(engine: Engine) -> bool:
    """Whether the last background check could not reach the database: answers come from the snapshot
    held, which may be out of date."""
    return _holder(engine).unreachable


def changed(engine: Engine) -> None:
    """A write in this process: the next read rereads the version (and so sees the write)."""
    _holder(engine).dirty = True


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

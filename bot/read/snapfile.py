"""Read models kept on disk, so a fresh `modelcost ask` answers without rebuilding one.

One file per database (named by a hash of its URL, credentials never written), holding the read
model of one catalog version and day. A file is used only if its database, version, day and stamp
(this code's and its data files' sizes and times, and the Python version) all match; anything else,
or a file that doesn't load, is a miss and the model is rebuilt. Written whole to a temporary name
and renamed, so a reader never sees half a file. The directory is the user's own (created 0700):
a pickle is only ever loaded from a place no one else can write.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import DATA_DIR
from bot.domain.workspaces import SHARED
from bot.read.model import ReadModel

if TYPE_CHECKING:
    from sqlalchemy import Engine

FORMAT = 2  # 2: the read model's classes live in bot.read, bot.contract and bot.domain
# What a read model is made from besides the database: the code of the packages whose classes it holds
# and that build it (read, contract, domain, and the store it is read from), and the data files it reads.
_CODE = tuple(
    Path(__file__).resolve().parents[1] / package for package in ("contract", "domain", "store", "read")
)
_DATA = (
    DATA_DIR / "catalog.toml",
    DATA_DIR / "hosts.toml",
    DATA_DIR / "lifecycle.toml",
    DATA_DIR / "labprices.toml",
    DATA_DIR / "litellm" / "extract.json",
    DATA_DIR / "lmarena" / "default-variants.toml",
    DATA_DIR / "modelsdev" / "extract.json",
)


def _stamp() -> tuple[object, ...]:
    code = sorted(p for package in _CODE for p in package.glob("*.py"))
    files = tuple(
        (f"{p.parent.name}/{p.name}", (st := p.stat()).st_size, st.st_mtime_ns) for p in (*code, *_DATA)
    )
    return (FORMAT, sys.version_info[:3], files)


def _path(directory: Path, engine: Engine | str, workspace: str) -> Path:
    """The file of a database's (its engine's, or its URL as the engine renders it) workspace view."""
    url = engine if isinstance(engine, str) else engine.url.render_as_string(hide_password=False)
    key = url + "\0" + workspace
    return directory / f"readmodel-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"


def load(
    directory: Path, engine: Engine | str, version: tuple[object, ...], on: object, workspace: str = SHARED
) -> ReadModel | None:
    """The kept read model for this database, version, day and workspace; None if none fits."""
    try:
        with _path(directory, engine, workspace).open("rb") as fh:
            stamp, model = pickle.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None  # from other code, or damaged: rebuilt and rewritten
    if stamp != _stamp() or not isinstance(model, ReadModel):
        return None
    if (model.version, model.on, model.workspace) != (version, on, workspace):
        return None
    return model


def save(directory: Path, engine: Engine, model: ReadModel) -> None:
    """Keep `model` for the next process; a directory that can't be written is skipped silently
    (the cache only saves time)."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".readmodel-")
        with os.fdopen(fd, "wb") as fh:
            # Without its layering inputs: a workspace's view over a kept one is built whole (CLI --team).
            pickle.dump((_stamp(), replace(model, layering=None)), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, _path(directory, engine, model.workspace))
    except OSError:
        return

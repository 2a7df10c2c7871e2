"""`modelcost reprice FILE`: a usage export re-priced at today's prices, on comparable open models and
on named ones (docs/reprice.md). The file is read as a stream, row by row, and nothing of it is kept."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from bot import db
from bot.cli.exits import EXIT_BAD_QUERY, EXIT_OK
from bot.config import Settings
from bot.contract.errors import UsageFileError, UserError, user_message
from bot.domain.categories import OVERALL, find_category
from bot.domain.usage import MAX_BYTES, Usage, read_usage
from bot.feeds.seed import ensure_catalog
from bot.read import current
from bot.read.reprice import reprice
from bot.render import reprice as rendered
from bot.store import schema

_SNIFF = 8192  # bytes looked at for a binary file before reading


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        category = OVERALL
        if args.task:
            found = find_category(args.task)
            if found is None:
                raise UsageFileError(
                    f"--for wants a task LMArena scores (coding, math, …); not {args.task!r}."
                )
            category = found
        usage = read_file(Path(args.file))
        engine = db.engine_for(settings.database_url)
        if not schema.ready(engine):
            ensure_catalog(engine)
        current.use_disk(engine, settings.cache_dir)
        on = [n.strip() for n in (args.on or "").split(",") if n.strip()]
        answer = reprice(current.current(engine), usage, category, on)
    except UserError as exc:
        print(user_message(exc), file=sys.stderr)
        return EXIT_BAD_QUERY
    print(
        rendered.to_json(answer) if args.json else rendered.to_text(answer), end="" if not args.json else "\n"
    )
    if args.chart:
        drawn = rendered.chart(answer)
        Path(args.chart).write_bytes(drawn.png)
        print(f"Chart: {args.chart}", file=sys.stderr if args.json else sys.stdout)
    if answer.unknown and not answer.models:
        return EXIT_BAD_QUERY  # nothing in the file could be priced
    return EXIT_OK


def read_file(path: Path) -> Usage:
    """The file's usage, streamed; UsageFileError when it is missing, too large, binary or malformed."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise UsageFileError(f"I can't read {path}: {exc.strerror}.") from None
    if size > MAX_BYTES:
        raise UsageFileError(
            f"{path} is {size / 1024 / 1024:.1f} MB; I read usage files of {MAX_BYTES // 1024 // 1024} MB "
            "at most. Export a shorter period, or usage grouped by day."
        )
    if size == 0:
        raise UsageFileError(f"{path} is empty.")
    with path.open("rb") as raw:
        if b"\0" in raw.read(_SNIFF):
            raise UsageFileError(f"{path} is a binary file, not a CSV usage export.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return read_usage(_bounded(f, MAX_BYTES))
    except UnicodeDecodeError:
        raise UsageFileError(f"{path} is not UTF-8 text: a CSV usage export is.") from None


def _bounded(lines: Iterator[str], limit: int) -> Iterator[str]:
    """The lines, stopping with UsageFileError past `limit` characters (a file grown since its stat)."""
    seen = 0
    for line in lines:
        seen += len(line)
        if seen > limit:
            raise UsageFileError(f"The file is larger than {limit // 1024 // 1024} MB; I stop there.")
        yield line

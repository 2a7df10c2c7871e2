"""A fixed corpus of read questions and the JSON answers to them, recorded before the read model
(issue 12) so that any later change to how answers are computed shows as a diff.

The catalog is seeded from the bundled snapshot as of PINNED (the seed picks the price in force on
a day), and lifecycle statuses are read on PINNED too, so neither the calendar nor the clock moves
an answer. The only clock-made values in a read answer are the `at` stamps of history entries
(when the seed ran); they are blanked.

Regenerate (only when an answer is meant to change, and say why in the commit):
    .venv/bin/python -m tests.golden
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.errors import UserError, user_message
from bot.domain import lifecycle
from bot.domain.overlay import load_overlay
from bot.feeds.genai_prices import from_snapshot
from bot.feeds.seed import seed
from bot.render.text import to_json
from bot.store import schema

PINNED = date(2026, 11, 29)
GOLDEN_FILE = Path(__file__).resolve().parent / "fixtures" / "golden_answers.json.gz"
PAIRS = 200
WORKLOADS = [
    "",
    " for 10M in 2M out",
    " for 1M in 1M out",
    " for 500k in 50k out",
    " for 2B in 100M out",
    " for 10M in 2M out 30% cached",
    " for 100k in 0 out",
]


def corpus() -> list[str]:
    """Every curated model, its `cheaper`, 200 seeded pairs with workloads, and a few of each other read."""
    ids = [m.id for m in load_overlay().model]
    questions = [*ids, *(f"cheaper {i}" for i in ids)]
    rng = random.Random(12)
    for _ in range(PAIRS):
        a, b = rng.sample(ids, 2)
        questions.append(f"{a} vs {b}{rng.choice(WORKLOADS)}")
    questions += [
        "r1 vs o1 for coding",
        "r1 vs o1 for coding for 10M in 2M out",
        "cheaper sonnet for coding",
        "cheaper sonnet for coding for 10M in 2M out",
        "cheaper o1 for math",
        "o1 for math",
        "gpt-4o vs sonnet vs r1 for creative writing",
        "cheaper o1 --all",
        "cheaper gpt-4o --all",
        "r1 hosts",
        "llama 3.3 70b hosts",
        "claude",
        "gpt vs gemini",
        "list",
        "list open",
        "list all",
        "list anthropic",
        "list groq",
        "history o1",
        "history r1",
        "history sonnet",
        "gpt-9000",
        "o5",
        "deepsek r1 vs o1",
        "help",
    ]
    return list(dict.fromkeys(questions))  # a pair drawn twice is asked once


@contextmanager
def pinned_today(on: date = PINNED) -> Iterator[None]:
    """lifecycle.today() returns `on`, wherever a module imported it by name."""
    patched = [
        (module, name)
        for module in list(sys.modules.values())
        if (getattr(module, "__name__", "") or "").startswith("bot.")
        for name, value in list(vars(module).items())
        if value is lifecycle.today
    ]
    original = lifecycle.today
    for module, name in patched:
        setattr(module, name, lambda: on)
    try:
        yield
    finally:
        for module, name in patched:
            setattr(module, name, original)


def seed_pinned(engine: Engine) -> None:
    """A fresh catalog as ensure_catalog makes it, from the snapshot's prices in force on PINNED."""
    schema.upgrade(engine)
    seed(engine, from_snapshot(today=PINNED))


def answer_json(engine: Engine, text: str) -> Any:
    """The CLI's JSON answer (`modelcost ask --json`), or the user's error message."""
    try:
        out: Any = json.loads(to_json(respond(engine, text, Context.cli())))
    except UserError as exc:
        return {"error": user_message(exc)}
    if out.get("kind") == "history":
        for entry in [*out["entries"], *out["scores"]]:
            entry["at"] = None  # when the seed ran: the clock's, not the data's
    return out


def answers(engine: Engine) -> dict[str, Any]:
    with pinned_today():
        return {text: answer_json(engine, text) for text in corpus()}


def load_golden() -> dict[str, Any]:
    with gzip.open(GOLDEN_FILE, "rt", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{tmp}/golden.db")
        seed_pinned(engine)
        data = answers(engine)
        engine.dispose()
    raw = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True).encode()
    GOLDEN_FILE.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(
        f"{len(data)} answers, {len(raw) // 1024} KB -> {GOLDEN_FILE.name}, "
        f"{GOLDEN_FILE.stat().st_size // 1024} KB gzipped"
    )


if __name__ == "__main__":
    main()

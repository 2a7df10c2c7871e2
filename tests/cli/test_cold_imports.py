"""A cold `modelcost ask` loads only what asking needs: with the catalog's read model kept on disk,
no migration tool, no Slack, no HTTP client, no server, no ORM mapping and no feed code; and it answers
from that kept model as the catalog does, and never after a change. Checked in fresh interpreters, as
tests/unit/test_imports.py does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

FORBIDDEN = (
    "alembic",
    "slack_bolt",
    "slack_sdk",
    "requests",
    "gunicorn",
    "bot.slack",
    "bot.alerts",
    "bot.feeds",  # the seed, the sync and the genai-prices feed's pydantic models (a price's source is
    # named by bot.domain.snapshots)
    "bot.store.tables",  # the ORM mapping: the snapshot holds plain data
    "bot.commands",
    "bot.read.builder",
    "bot.read.current",
    "bot.render.blocks",
    "genai_prices",
    "pyarrow",  # LMArena's Parquet board: read by a sync or the seed only (bot.feeds.leaderboard)
)

# `modelcost ask --json TEXT` in a fresh interpreter, which then says what it loaded.
ASK = (
    "import sys, json, io, contextlib\n"
    "from bot.cli import main\n"
    "out = io.StringIO()\n"
    "with contextlib.redirect_stdout(out):\n"
    "    code = main(['ask', '--json', sys.argv[1]])\n"
    "print(json.dumps({'code': code, 'answer': out.getvalue(), 'modules': sorted(sys.modules)}))\n"
)


@dataclass(frozen=True)
class Asked:
    answer: dict[str, object]
    modules: set[str]


def ask_cold(database_url: str, cache_dir: Path, text: str) -> Asked:
    env = {**os.environ, "DATABASE_URL": database_url, "MODELCOST_CACHE_DIR": str(cache_dir)}
    out = subprocess.run([sys.executable, "-c", ASK, text], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    said = json.loads(out.stdout)
    assert said["code"] == 0, said["answer"]
    return Asked(json.loads(said["answer"]), set(said["modules"]))


@pytest.mark.engines
def test_a_cold_ask_answers_from_the_kept_read_model_loading_only_what_asking_needs(
    fresh_url: str, tmp_path: Path
) -> None:
    """The first ask builds the read model and keeps it; the second reads the catalog's version (on
    SQLite without SQLAlchemy) and answers from the kept model: the same answer, with none of the
    forbidden modules loaded. Once the catalog changes, the change shows at once."""
    built = ask_cold(fresh_url, tmp_path, "r1 vs o1 for 10M in 2M out")
    assert "bot.read.builder" in built.modules  # the walk can see a module load

    kept = ask_cold(fresh_url, tmp_path, "r1 vs o1 for 10M in 2M out")

    assert kept.answer == built.answer
    forbidden = (*FORBIDDEN, "sqlalchemy") if fresh_url.startswith("sqlite") else FORBIDDEN
    found = [f for f in forbidden if any(m == f or m.startswith(f + ".") for m in kept.modules)]
    assert not found, f"a cold ask loads {found}"
    ask_cold(fresh_url, tmp_path, "set o1 output 50")
    changed = ask_cold(fresh_url, tmp_path, "o1")
    assert changed.answer["model"]["price"]["output_mtok"] == "50"  # type: ignore[index]

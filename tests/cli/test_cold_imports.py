"""A cold `modelcost ask` loads only what asking needs: with the catalog's read model kept on disk,
no migration tool, no Slack, no HTTP client, no server, no ORM mapping and no feed code. Checked in
fresh interpreters, as tests/unit/test_imports.py does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def modules_after_ask(database_url: str, cache_dir: Path) -> set[str]:
    code = (
        "import sys, json, io, contextlib\n"
        "from bot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['ask', 'r1 vs o1']) == 0\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "MODELCOST_CACHE_DIR": str(cache_dir)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return set(json.loads(out.stdout))


@pytest.mark.engines
def test_a_cold_ask_imports_only_what_asking_needs(catalog_url: str, tmp_path: Path) -> None:
    first = modules_after_ask(catalog_url, tmp_path)  # builds the read model, and keeps it
    assert "bot.read.builder" in first  # the walk can see a module load
    loaded = modules_after_ask(catalog_url, tmp_path)
    forbidden = (*FORBIDDEN, "sqlalchemy") if catalog_url.startswith("sqlite") else FORBIDDEN
    found = [f for f in forbidden if any(m == f or m.startswith(f + ".") for m in loaded)]
    assert not found, f"a cold ask loads {found}"


def ask_json(database_url: str, cache_dir: Path, text: str) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": database_url, "MODELCOST_CACHE_DIR": str(cache_dir)}
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", text], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    answer: dict[str, object] = json.loads(out.stdout)
    return answer


@pytest.mark.engines
def test_the_kept_read_model_answers_as_the_catalog_does_and_never_after_a_change(
    fresh_url: str, tmp_path: Path
) -> None:
    """On SQLite the second ask reads the catalog's version without SQLAlchemy and answers from the kept
    read model: the same answer; once the catalog changes, the change shows at once."""
    built = ask_json(fresh_url, tmp_path, "r1 vs o1 for 10M in 2M out")
    kept = ask_json(fresh_url, tmp_path, "r1 vs o1 for 10M in 2M out")
    assert kept == built
    ask_json(fresh_url, tmp_path, "set o1 output 50")
    changed = ask_json(fresh_url, tmp_path, "o1")
    assert changed["model"]["price"]["output_mtok"] == "50"  # type: ignore[index]

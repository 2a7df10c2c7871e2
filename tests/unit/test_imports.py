"""The layers point one way: renderers know nothing of the database, the parser nothing of SQLAlchemy
or fuzzy matching, and the user-facing errors nothing of the project. Checked in a fresh interpreter,
so every import along the way (packages' __init__ included) counts."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import bot.render

RENDERERS = [f"bot.render.{m.name}" for m in pkgutil.iter_modules(bot.render.__path__)]


def loaded_by(module: str) -> set[str]:
    code = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


def reaches(modules: set[str], forbidden: str) -> bool:
    return any(m == forbidden or m.startswith(forbidden + ".") for m in modules)


# The renderers that draw no chart themselves: they load matplotlib only when a chart is drawn.
CHARTLESS = ("bot.render.text", "bot.render.blocks", "bot.render.charts")


@pytest.mark.parametrize("module", RENDERERS)
def test_renderers_reach_no_database_code(module: str) -> None:
    loaded = loaded_by(module)
    for forbidden in ("bot.db", "bot.commands", "sqlalchemy", "bot.store.tables", "bot.alerts"):
        assert not reaches(loaded, forbidden), f"{module} imports {forbidden}"
    if module in CHARTLESS:
        assert not reaches(loaded, "matplotlib"), f"{module} imports matplotlib before a chart is drawn"


# The Slack app, and its web server with the chart links (bot.slack.charts, which it imports): the ack
# path (and every reply with a chart) loads none of it.
@pytest.mark.parametrize("module", ["bot.slack.app", "bot.slack.web"])
def test_the_slack_app_loads_no_matplotlib_until_a_chart_is_drawn(module: str) -> None:
    loaded = loaded_by(module)
    assert module != "bot.slack.web" or "bot.slack.charts" in loaded  # what the line above says
    assert not reaches(loaded, "matplotlib")


def test_drawing_a_chart_loads_matplotlib() -> None:  # the check above can fail
    assert reaches(loaded_by("bot.render.plot; bot.render.plot.canvas(100).__enter__()"), "matplotlib")


def test_the_parser_reaches_neither_sqlalchemy_nor_rapidfuzz() -> None:
    loaded = loaded_by("bot.domain.query")
    assert not reaches(loaded, "sqlalchemy") and not reaches(loaded, "rapidfuzz")


def test_user_errors_import_nothing_of_the_project() -> None:
    assert {m for m in loaded_by("bot.contract.errors") if m.startswith("bot")} == {
        "bot",
        "bot.contract",
        "bot.contract.errors",
    }


def test_the_walk_can_fail() -> None:
    assert reaches(loaded_by("bot.store.names"), "sqlalchemy")

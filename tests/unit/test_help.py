"""The README's command table is `help`'s (bot.domain.help), row for row: a command added to one and not
the other fails here, with the table to paste."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain import help as usage

README = Path(__file__).resolve().parents[2] / "README.md"


def table_in(text: str) -> str:
    """The README's command table: from its header row to the first line that is not a row."""
    lines = text.splitlines()
    start = lines.index("| command | answer |")
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return "\n".join(lines[start:end])


def test_the_readme_lists_the_commands_help_lists() -> None:
    shown = table_in(README.read_text(encoding="utf-8"))
    expected = usage.readme_table()
    assert shown == expected, f"README.md's command table should be:\n\n{expected}\n"


def test_a_pipe_in_a_description_stays_in_its_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usage, "HELP", [("list open", "open | closed")])
    assert usage.readme_table().splitlines()[2] == "| `list open` | open \\| closed |"

"""`modelcost ask … --chart PATH`: the PNG is written and its path printed after the answer; an answer
with no chart says so and exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main


@pytest.fixture(autouse=True)
def _database(catalog_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", catalog_url)


def test_cheaper_writes_the_png_and_prints_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o1.png"
    assert main(["ask", "cheaper o1", "--chart", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "gpt-oss-120b" in printed  # the answer first
    assert printed.rstrip().endswith(f"Chart: {out}")
    with Image.open(out) as image:
        assert image.size == (800, 600)


def test_a_comparison_writes_both_charts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cmp.png"
    assert main(["ask", "r1 vs o1", "--chart", str(out)]) == 0
    lines = capsys.readouterr().out.rstrip().splitlines()
    second = tmp_path / "cmp-workload-cost.png"
    assert lines[-2:] == [f"Chart: {out}", f"Chart: {second}"]
    assert out.read_bytes()[:8] == second.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "h.png"
    assert main(["ask", "history", "o1", "--chart", str(out)]) == 0
    assert f"Chart: {out}" in capsys.readouterr().out and out.stat().st_size > 10_000


def test_json_stays_json_and_the_path_goes_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o1.png"
    assert main(["ask", "--json", "cheaper o1", "--chart", str(out)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["kind"] == "alternatives"
    assert captured.err.strip() == f"Chart: {out}"


@pytest.mark.parametrize("text", ["o1", "list open"])
def test_an_answer_without_a_chart_says_so_and_exits_2(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "none.png"
    assert main(["ask", text, "--chart", str(out)]) == 2
    captured = capsys.readouterr()
    assert "has no chart" in captured.err and "cheaper X" in captured.err
    assert captured.out  # the answer itself is still given
    assert not out.exists()

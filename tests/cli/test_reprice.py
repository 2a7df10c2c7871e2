"""`modelcost reprice FILE` on the seeded catalog (genai-prices 0.2.3, LiteLLM 1.110.2's extract): each
fixture's cost today equal to the sum worked out by hand from the labs' published prices (GPT-5.5: $5 in,
$0.50 cached, $30 out, batch $2.50/$15; Claude Opus 4.5: $5 in, $6.25 5-minute and $10 1-hour writes,
$0.50 reads, $25 out, batch $2.50/$12.50), unknown ids listed and never guessed, the same traffic on
named models and open alternatives, and malformed files refused with exit 2 and a clear message."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from bot.cli import main
from bot.contract.reprice import RepriceAnswer
from bot.render import reprice as rendered
from tests.slack.blockkit import assert_valid

FIXTURES = Path(__file__).parent.parent / "fixtures" / "usage"


@pytest.fixture(autouse=True)
def _database(catalog_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", catalog_url)


def reprice_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main(["reprice", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def costs(answer: Any) -> dict[str, D]:
    return {m["id"]: D(m["cost"]) for m in answer["models"]}


def test_openai_export_priced_by_tier_with_cached_inside_input(capsys: pytest.CaptureFixture[str]) -> None:
    answer = reprice_json(capsys, str(FIXTURES / "openai.csv"))
    assert answer["format"] == "openai"
    # standard: 14M x $5 + 6M x $0.50 + 1.5M x $30 = $118; batch: 20M x $2.50 + 1M x $15 = $65
    assert costs(answer)["gpt-5.5"] == D(183)
    gpt = answer["models"][0]
    assert gpt["tiers"] == ["standard", "batch"] and gpt["input_tokens"] == 40_000_000
    assert gpt["cached_tokens"] == 6_000_000 and gpt["requests"] == 5_400
    assert [u["written"] for u in answer["unknown"]] == ["ft:gpt-4o-mini:acme::abc123"]
    assert answer["unknown"][0]["tokens"] == 1_100_000


def test_anthropic_report_priced_with_reads_and_writes_outside_uncached(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = reprice_json(capsys, str(FIXTURES / "anthropic.csv"))
    assert answer["format"] == "anthropic"
    # standard: 5M x $5 + 2M x $6.25 + 1M x $10 + 4M x $0.50 + 2.5M x $25 = $112;
    # batch: 2M x $2.50 + 1M x $12.50 = $17.50
    assert costs(answer) == {"claude-opus-4.5": D("129.5")}
    assert answer["models"][0]["written"] == ["claude-opus-4-5-20251101"]
    assert answer["unknown"][0]["written"] == "claude-mystery-9"


def test_litellm_and_openrouter_say_what_was_billed(capsys: pytest.CaptureFixture[str]) -> None:
    lite = reprice_json(capsys, str(FIXTURES / "litellm.csv"))
    # 7,000 x $5 + 1,500 x $30, per 1M = $0.08; the spend column says $0.055
    assert costs(lite) == {"gpt-5.5": D("0.08")}
    assert D(lite["models"][0]["billed"]) == D("0.055")
    assert D(lite["models"][0]["billed_difference"]) == D("0.025")
    assert [u["written"] for u in lite["unknown"]] == ["my-local-llama"]
    router = reprice_json(capsys, str(FIXTURES / "openrouter.csv"))
    # openai/gpt-5.5 read by its model part: 3M x $5 + 1.5M x $30 = $60; usage says $23
    assert costs(router) == {"gpt-5.5": D(60)}
    assert D(router["billed"]) == D(23)
    assert [u["written"] for u in router["unknown"]] == ["someone/unheard-of-7b"]


def test_plain_csv_on_named_models_with_the_saving(capsys: pytest.CaptureFixture[str]) -> None:
    answer = reprice_json(capsys, str(FIXTURES / "plain.csv"), "--on", "deepseek-v4-pro,kimi-k2.6")
    # GPT-5.5: 7M x $5 + 3M x $0.50 + 2M x $30 = $96.50; Opus 4.5: 5M x $5 + 2M x $6.25 + 3M x $0.50
    # + 2M x $25 = $89
    assert costs(answer) == {"gpt-5.5": D("96.5"), "claude-opus-4.5": D(89)}
    assert D(answer["cost"]) == D("185.5")
    on = {o["id"]: o for o in answer["on"]}
    assert set(on) == {"deepseek-v4-pro", "kimi-k2.6"}
    for o in on.values():
        assert D(o["saving"]) == D("185.5") - D(o["cost"]) > 0
    for m in answer["models"]:
        assert m["alternatives"], m["id"]
        assert all(D(a["cost"]) < D(m["cost"]) for a in m["alternatives"])


def test_terminal_text_names_models_costs_and_unknown_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reprice", str(FIXTURES / "openai.csv"), "--on", "kimi-k2.6", "--for", "coding"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OpenAI usage export: 5 rows, 2 models priced at today's prices (alternatives for")
    assert (
        "GPT-5.5\n  40,000,000 in (incl. 6,000,000 cache reads) + 2,500,000 out, 5,400 requests, batch" in out
    )
    assert "today: $183.00 at OpenAI" in out
    assert "All of it on:\n  Kimi K2.6: " in out
    assert "Not priced, model ids I don't know (never guessed):\n  ft:gpt-4o-mini:acme::abc123: 1 row," in out


def test_chart_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "r.png"
    assert main(["reprice", str(FIXTURES / "plain.csv"), "--on", "kimi-k2.6", "--chart", str(path)]) == 0
    assert path.read_bytes().startswith(b"\x89PNG")
    assert f"Chart: {path}" in capsys.readouterr().out


def _big(path: Path) -> Path:
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024 + 1)  # sparse: 50 MB and a byte, none of it written
    return path


@pytest.mark.parametrize(
    ("content", "args", "says"),
    [
        (b"", (), "is empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", (), "is a binary file, not a CSV usage export"),
        (b"\xff\xfe\xfa,model\n", (), "is not UTF-8 text"),
        (b"day,tokens\n1,2\n", (), "has no `model` column"),
        (b"model,input_tokens,output_tokens\ngpt-5.5,-1,2\n", (), "Line 2: input_tokens is negative"),
        (b"model,input_tokens,output_tokens\nnobody-knows-me,1,2\n", (), "nobody-knows-me"),
        (b"model,input_tokens,output_tokens\ngpt-5.5,1,2\n", ("--on", "no-such-model-x"), "no-such-model-x"),
        (b"model,input_tokens,output_tokens\ngpt-5.5,1,2\n", ("--for", "juggling"), "--for wants a task"),
    ],
)
def test_bad_files_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, args: tuple[str, ...], says: str
) -> None:
    path = tmp_path / "usage.csv"
    path.write_bytes(content)
    assert main(["reprice", str(path), *args]) == 2
    captured = capsys.readouterr()
    assert says in captured.err + captured.out


def test_too_large_and_missing_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["reprice", str(_big(tmp_path / "big.csv"))]) == 2
    assert "is 50.0 MB; I read usage files of 50 MB at most" in capsys.readouterr().err
    assert main(["reprice", str(tmp_path / "absent.csv")]) == 2
    assert "I can't read" in capsys.readouterr().err


def test_the_slack_message_keeps_file_text_inert(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Model ids come from the file: in Slack they are plain text, never a mention, link or formatting."""
    path = tmp_path / "usage.csv"
    path.write_text("model,input_tokens,output_tokens\ngpt-5.5,1000000,0\n<!channel> *x*,5,5\n")
    answer = TypeAdapter(RepriceAnswer).validate_python(reprice_json(capsys, str(path)))
    message = rendered.message(answer)
    assert_valid(dict(message))
    assert message["text"] == "CSV (model, input_tokens, output_tokens) re-priced: $5.00 today"
    texts = [b["text"] for b in message["blocks"] if b["type"] == "section"]
    assert all(t["type"] == "plain_text" for t in texts)
    assert any("<!channel> *x*: 1 row, 10 tokens" in t["text"] for t in texts)


def test_nothing_of_the_file_is_kept(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    fresh_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database is byte for byte the same after a reprice, and the file's ids are in no log and in
    no file the command writes (its cache of the catalog included)."""
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    monkeypatch.setenv("MODELCOST_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["reprice", str(FIXTURES / "plain.csv")]) == 0  # the catalog's cache made
    database = Path(fresh_url.removeprefix("sqlite:///"))
    before = database.read_bytes()
    path = tmp_path / "usage.csv"
    path.write_text("model,input_tokens,output_tokens\ngpt-5.5,1000,10\nsecret-model-zq9,5,5\n")
    caplog.set_level("DEBUG")
    assert main(["reprice", str(path)]) == 0
    assert "secret-model-zq9" in capsys.readouterr().out  # told to the user, and nowhere else:
    assert database.read_bytes() == before
    assert "secret-model-zq9" not in caplog.text
    for kept in (tmp_path / "cache").rglob("*"):
        assert not kept.is_file() or b"secret-model-zq9" not in kept.read_bytes()


def test_reprice_typed_into_ask_says_where_it_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """`reprice` is a Slack command (a shared file) and a terminal one (a path), never an `ask`."""
    assert main(["ask", "reprice --on kimi-k2.6"]) == 2
    said = capsys.readouterr().err
    assert "/modelcost reprice" in said and "modelcost reprice usage.csv" in said

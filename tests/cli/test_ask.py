"""`modelcost ask`: what a user sees in the terminal, and the exit codes."""

import json

import pytest

from bot import db
from bot.cli import main
from bot.commands.ask import Context, respond
from tests.db.test_models_from_sources import NAMES  # the 15 names of issue 25


@pytest.fixture(autouse=True)
def _database(catalog_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", catalog_url)


def test_r1_vs_o1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "r1 vs o1"]) == 0
    out = capsys.readouterr().out
    for text in (
        "DeepSeek R1",
        "$0.55",
        "$2.19",
        "$15",
        "$60",
        "27.4x as much as DeepSeek R1 on output",
        "off-peak 16:30–00:30 UTC: $0.135 / $0.55",
        "genai-prices",
    ):
        assert text in out


def test_words_as_separate_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "r1", "vs", "o1", "for", "10M", "in", "2M", "out"]) == 0
    out = capsys.readouterr().out
    assert "10M in + 2M out" in out and "$9.88" in out and "$270.00" in out


def test_cheaper_o1_lists_r1_with_saving(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "cheaper o1", "--all"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DeepSeek R1 "))
    assert "%" in line and "-9" in line


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "r1 vs o1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "compare"
    r1, o1 = data["models"]
    assert (r1["id"], r1["lab"], r1["price"]["provider_id"]) == ("deepseek-r1", "DeepSeek", "deepseek")
    assert (r1["price"]["input_mtok"], r1["price"]["output_mtok"]) == ("0.55", "2.19")
    assert (o1["price"]["input_mtok"], o1["price"]["output_mtok"]) == ("15", "60")
    assert data["output_ratio"]["o1"] == "27.4"
    assert o1["price"]["workload_cost"] == "270"


def test_help_when_empty(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask"]) == 0
    assert "cheaper o1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gpt-9000 vs o1", "I don't know a model called 'gpt-9000'"),
        ("deepsek r1", "Did you mean: DeepSeek R1"),
        ("r1 vs o1 for 10M sideways", "couldn't read the workload"),
        ("x" * 5000, "at most 1000"),
    ],
)
def test_bad_queries_exit_2_with_a_message(
    text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", text]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err


def test_history_names_a_slack_admin_in_plain_text(
    fresh_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    respond(db.engine_for(fresh_url), "set o1 output 50", Context.slack("U0ADMIN", "C1", lambda _: True))
    assert main(["ask", "set", "o1", "input", "14"]) == 0  # the terminal operator
    capsys.readouterr()

    assert main(["ask", "history", "o1"]) == 0
    out = capsys.readouterr().out
    assert "OpenAI: input $15 → $14 (-6.7%)  (the terminal operator)" in out
    assert "OpenAI: output $60 → $50 (-16.7%)  (admin U0ADMIN)" in out
    assert "<@" not in out

    assert main(["ask", "--json", "history", "o1"]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    assert [e["actor"] for e in entries[:2]] == [
        {"kind": "admin", "id": "cli"},
        {"kind": "admin", "id": "U0ADMIN"},
    ]


def test_team_sees_and_changes_one_workspace_view(
    fresh_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    assert main(["ask", "--team", "T0A", "set", "o1", "output", "50"]) == 0
    capsys.readouterr()

    def o1_output(*team: str) -> str:
        assert main(["ask", "--json", *team, "o1"]) == 0
        return str(json.loads(capsys.readouterr().out)["model"]["price"]["output_mtok"])

    assert o1_output("--team", "T0A") == "50"
    assert o1_output("--team", "E01:T0A") == "60"  # another workspace: the shared catalog's price
    assert o1_output() == "60"


@pytest.mark.parametrize("team", ["", "t0a", "T0A:", "E1:E2", "T 1"])
def test_team_must_be_a_workspace_key(team: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--team", team, "o1"]) == 2
    assert "--team wants a workspace's key" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "model_id", "model_name"), NAMES)
def test_the_names_people_type_answer_in_json(
    capsys: pytest.CaptureFixture[str], name: str, model_id: str, model_name: str
) -> None:
    assert main(["ask", name, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["kind"], data["model"]["id"], data["model"]["name"]) == ("model", model_id, model_name)


def test_sonnet_5_point_2_suggests_no_older_generation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "sonnet 5.2"]) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Claude Sonnet 5" in text and "3.5 Sonnet" not in text and "Sonnet 4" not in text

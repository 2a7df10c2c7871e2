"""`modelcost sync crosscheck`: a newer LiteLLM file (mocked with `responses`) changes what `audit` and
model cards say, once; bad files exit 1, change nothing and show in `sync status`."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from bot import db
from bot.cli import main
from bot.contract.actor import Actor
from bot.domain.crosscheck import load_extract
from bot.domain.lifecycle import today
from bot.store.crosscheck import replace_facts
from bot.store.prices import new_change
from tests.sync.litellm_files import (
    HAIKU,
    URL,
    V32,
    YESTERDAY,
    body,
    facts_dump,
    most_keys_gone,
    newer,
    newer_body,
    providers_renamed,
    shipped,
)


@pytest.fixture
def database(fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    return fresh_url


def _audit(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["audit", "--json"]) == 0
    answer: dict[str, Any] = json.loads(capsys.readouterr().out)
    return answer


def _ask(text: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["ask", text]) == 0
    return capsys.readouterr().out


def _fields(audit: dict[str, Any], offering: str) -> set[str]:
    return {d["field"] for d in audit["disagreements"] if d["offering"] == offering}


def test_a_newer_litellm_file_settles_deepseek_v32_and_retires_haiku(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _audit(capsys)
    assert _fields(before, "deepseek:deepseek-v3.2") == {"input_mtok", "output_mtok", "context_window"}
    assert "anthropic:claude-haiku-4-5" not in {r["offering"] for r in before["retired"]}
    # The card shows DeepSeek V3.2's row at DeepSeek as what it is (data/labprices.toml), not as DeepSeek's
    # price: no second-opinion line on it, before the sync or after.
    imported = "genai-prices lists DeepSeek V3.2 at DeepSeek (`deepseek-v3.2`) for $0.2288 / $0.3432"
    assert imported in _ask("deepseek v3.2", capsys)
    with responses.RequestsMock() as mock:
        mock.get(URL, body=newer_body())

        assert main(["sync", "crosscheck", "--url", URL]) == 0

        assert f"cross-check sync from {URL}: applied" in capsys.readouterr().out
        after = _audit(capsys)
        dump = facts_dump(db.engine_for(database))

        assert main(["sync", "crosscheck", "--url", URL]) == 0  # the same file again

    assert f"cross-check sync from {URL}: unchanged" in capsys.readouterr().out
    assert facts_dump(db.engine_for(database)) == dump
    assert _fields(after, "deepseek:deepseek-v3.2") == {"context_window"}  # the prices now agree
    assert len(after["disagreements"]) == len(before["disagreements"]) - 2
    [haiku] = [r for r in after["retired"] if r["offering"] == "anthropic:claude-haiku-4-5"]
    assert (haiku["deprecation_date"], haiku["litellm_key"]) == (YESTERDAY.isoformat(), HAIKU)
    assert len(after["retired"]) == len(before["retired"]) + 1
    assert after["source"] == f"LiteLLM feed fetched {today().isoformat()} from {URL}"
    assert imported in _ask("deepseek v3.2", capsys)
    assert "retired" in _ask("claude haiku 4.5", capsys).lower()
    status = _ask("sync status", capsys)
    assert "Cross-check (LiteLLM) feed:" in status
    assert "applied: 2 offerings' facts changed, 0 newly described, 0 no longer described" in status
    assert status.index("unchanged") < status.index("applied")


@pytest.fixture
def synced(database: str) -> str:
    """The catalog after a cross-check sync stored the bundled facts: its LiteLLM keys are the known ones."""
    with db.transaction(db.engine_for(database)) as s:
        replace_facts(s, load_extract(), new_change(s, "sync", Actor(kind="feed", id=URL)))
    return database


def _absurd() -> bytes:
    data = newer()
    data[V32]["input_cost_per_token"] = 1.0  # $1,000,000 per 1M tokens
    return body(data)


def _bad(name: str) -> bytes:
    match name:
        case "truncated":
            return newer_body()[: len(newer_body()) // 2]
        case "malformed":
            return b"<html>rate limited</html>"
        case "wrong-shape":
            return body(list(shipped().values()))
        case "cut-short":
            return body(dict(list(shipped().items())[:50]))
        case "absurd":
            return _absurd()
        case "most-gone":
            return body(most_keys_gone({f.litellm_key for f in load_extract().values()}))
        case "renamed":
            return body(providers_renamed())
    raise AssertionError(name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("truncated", "not valid JSON (truncated?)"),
        ("malformed", "not valid JSON"),
        ("wrong-shape", "not a JSON object of models"),
        ("cut-short", "truncated or not the price file"),
        ("absurd", f"{V32!r} has an impossible input price (1000000"),
        ("most-gone", "lacks 122 of the 132 models known from the last accepted file"),
        ("renamed", "describes 0 of the catalog's curated offerings, where the current facts describe 132"),
    ],
)
def test_a_bad_litellm_file_exits_1_with_the_reason_and_changes_nothing(
    synced: str, capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    before = facts_dump(db.engine_for(synced))
    with responses.RequestsMock() as mock:
        mock.get(URL, body=_bad(name))

        assert main(["sync", "crosscheck", "--url", URL]) == 1

    captured = capsys.readouterr()
    assert "cross-check sync from" in captured.err and "REJECTED, nothing was changed" in captured.err
    assert reason in captured.err
    assert captured.out == ""
    assert facts_dump(db.engine_for(synced)) == before
    status = _ask("sync status", capsys)
    assert "Cross-check (LiteLLM) feed:" in status and "rejected (" in status and reason in status

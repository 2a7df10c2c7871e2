"""Names as people type them, made from a model's family and version (bot.domain.spoken)."""

from datetime import date

import pytest

from bot.domain.identity import line_of
from bot.domain.spoken import family_names, newest, same_family, spoken_names, typed_line


@pytest.mark.parametrize(
    ("model_id", "names"),
    [
        ("claude-opus-4.7", ["claude opus 4.7", "opus 4.7"]),
        ("claude-3.5-sonnet", ["claude 3.5 sonnet", "3.5 sonnet"]),
        ("qwen3.5-397b-a17b", ["qwen3.5 397b a17b", "qwen3.5 397b"]),
        ("gemma-4-31b", ["gemma 4 31b"]),
        ("llama-4-maverick", ["llama 4 maverick"]),
        ("deepseek-v4-pro", ["deepseek v4 pro"]),
        ("command-a", []),  # no digit: a generated name is never a bare family word
    ],
)
def test_names_made_from_an_id(model_id: str, names: list[str]) -> None:
    assert list(spoken_names(model_id)) == names


def test_a_family_alone_is_said_with_and_without_its_brand() -> None:
    assert family_names("claude-sonnet") == ["claude sonnet", "sonnet"]
    assert family_names("gemini-flash") == ["gemini flash"]
    assert family_names("deepseek-v-pro") == ["deepseek pro"]


def test_the_newest_member_by_release_date_then_version() -> None:
    released = {"claude-sonnet-5": date(2026, 6, 30), "claude-sonnet-4.6": date(2026, 2, 17)}
    assert newest(["claude-sonnet-4.6", "claude-sonnet-5"], released) == "claude-sonnet-5"
    # Sonnet 5.5 has no date in any source: its version says it is newer.
    assert (
        newest(["claude-sonnet-5", "claude-sonnet-5.5", "claude-sonnet-4.6"], released) == "claude-sonnet-5.5"
    )
    assert newest([], released) is None


LINES = {
    m: line
    for m in [
        "claude-3.5-sonnet",
        "claude-sonnet-4.5",
        "claude-sonnet-5",
        "claude-sonnet-5.5",
        "claude-opus-5.5",
        "gpt-5",
        "gpt-5.5",
        "qwen3-max",
        "qwen3.5-27b",
        "qwen3.5-397b-a17b",
        "deepseek-r1",
        "deepseek-v4-pro",
    ]
    if (line := line_of(m)) is not None
}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sonnet 5.2", ["claude-sonnet-5", "claude-sonnet-5.5"]),  # never Claude 3.5 Sonnet or 4.5
        ("qwen3.5 400b", ["qwen3.5-397b-a17b", "qwen3.5-27b", "qwen3-max"]),  # nearest first; never GPT-5
        ("deepseek v5", ["deepseek-v4-pro"]),  # V, not R
        ("gpt 5.2", ["gpt-5", "gpt-5.5"]),
    ],
)
def test_did_you_mean_stays_in_the_family_typed(typed: str, expected: list[str]) -> None:
    line = typed_line(typed)
    assert line is not None
    assert same_family(line, LINES) == expected

"""data/lifecycle.toml: what the labs' deprecation pages say. Strict, every entry sourced and dated,
every host a genai-prices provider, and what it names exists there."""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from bot.domain.lifecycle import LIFECYCLE_FILE, LabLifecycle, load_lab_lifecycle, status
from bot.feeds.genai_prices import from_snapshot

LAB = load_lab_lifecycle()
UPSTREAM = {(o.provider_id, o.provider_model_id) for o in from_snapshot()}


def test_every_entry_names_its_source_and_the_day_it_was_checked() -> None:
    for r in LAB.retirement:
        assert r.source.startswith("https://") and r.checked == date(2026, 12, 7)


def test_every_entry_speaks_of_offerings_its_host_lists_and_replaces_them_with_one() -> None:
    hosts = {h for h, _ in UPSTREAM}
    for r in LAB.retirement:
        assert r.host in hosts
        assert any((r.host, i) in UPSTREAM for i in r.ids), r.ids
        for target in (r.replacement, r.redirect):
            assert target is None or (r.host, target) in UPSTREAM, target


@pytest.mark.parametrize(
    ("host", "model_id", "retires", "replacement", "redirect"),
    [
        ("x-ai", "grok-4-fast-reasoning", date(2026, 5, 15), "grok-4.3", "grok-4.3"),
        ("anthropic", "claude-3-7-sonnet-latest", date(2026, 2, 19), "claude-sonnet-4-5", None),
        ("anthropic", "claude-sonnet-4-0", date(2026, 6, 15), "claude-sonnet-4-6", None),
        ("anthropic", "claude-opus-4-1", date(2026, 8, 5), "claude-opus-4-8", None),
        ("openai", "o1", date(2026, 10, 23), "gpt-5.6-sol", None),
        ("openai", "o3", date(2026, 12, 11), "gpt-5.6-sol", None),
        ("google", "gemini-2.5-pro", date(2026, 12, 1), "gemini-3.8-flash", "gemini-3.8-flash"),
        ("deepseek", "deepseek-chat", date(2026, 7, 24), "deepseek-v4-flash", None),
    ],
)
def test_what_the_labs_say(
    host: str, model_id: str, retires: date, replacement: str, redirect: str | None
) -> None:
    r = LAB.by_key[(host, model_id)]
    assert (r.retires, r.replacement, r.redirect) == (retires, replacement, redirect)


def _raw() -> dict[str, Any]:
    with LIFECYCLE_FILE.open("rb") as fh:
        return tomllib.load(fh)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["retirement"][0].update(source="docs.x.ai"), "should match pattern"),
        (lambda d: d["retirement"][0].pop("checked"), "checked"),
        (lambda d: d["retirement"][0].update(colour="red"), "Extra inputs"),
        (lambda d: d["retirement"][0].update(announced=date(2027, 1, 1)), "announced after it retires"),
        (lambda d: d["retirement"][0].update(replacement="grok-3"), "cannot replace itself"),
        (lambda d: d["retirement"].append(dict(d["retirement"][0])), "named twice"),
    ],
)
def test_the_schema_is_strict(mutate: Any, message: str) -> None:
    raw = _raw()
    mutate(raw)
    with pytest.raises(ValidationError, match=message):
        LabLifecycle.model_validate(raw)


def test_a_status_is_read_against_a_day() -> None:
    day = date(2026, 12, 11)
    assert status(False, day, date(2026, 12, 7)) == ("deprecated", day)
    assert status(False, day, day) == ("retired", day)
    assert status(True, None, day) == ("deprecated", None)
    assert status(False, None, day) == ("active", None)

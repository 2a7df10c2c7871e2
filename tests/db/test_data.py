"""data/catalog.toml validates: strict schema, unique ids and aliases, every mapped offering exists
upstream (genai-prices' bundled snapshot), and the facts the product promises hold."""

import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.catalog.overlay import CATALOG_FILE, Overlay, load_overlay
from bot.sync.upstream import from_snapshot

OVERLAY = load_overlay()


def test_every_mapped_offering_exists_upstream_with_a_price() -> None:
    upstream = {(o.provider_id, o.provider_model_id) for o in from_snapshot()}
    missing = [
        f"{m.id}: {p}:{i}" for m in OVERLAY.model for p, i in m.offering_keys() if (p, i) not in upstream
    ]
    assert missing == []


def test_every_lab_provider_exists_upstream() -> None:
    providers = {o.provider_id for o in from_snapshot()}
    assert {lab.provider for lab in OVERLAY.lab} <= providers


def test_the_seed_draft_models_and_common_names_are_covered() -> None:
    ids = {m.id for m in OVERLAY.model}
    aliases = {a: m.id for m in OVERLAY.model for a in m.aliases}
    assert {"o1", "deepseek-r1", "gpt-4o", "llama-3.3-70b", "qwq-32b", "kimi-k2", "glm-4.5"} <= ids
    assert aliases["r1"] == "deepseek-r1"
    assert aliases["4o"] == aliases["gpt4o"] == "gpt-4o"
    assert aliases["llama 70b"] == "llama-3.3-70b"
    assert "o3" not in aliases and "o1" not in aliases  # ids, not aliases: never pointing elsewhere


def test_r1_is_comparable_to_o1_by_the_published_rule() -> None:
    by_id = {m.id: m for m in OVERLAY.model}
    assert by_id["deepseek-r1"].arena_score >= by_id["o1"].arena_score - 25  # type: ignore[operator]


def _raw() -> dict:  # type: ignore[type-arg]
    return tomllib.loads(Path(CATALOG_FILE).read_text())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["model"][0].update(colour="red"), "Extra inputs"),
        (lambda d: d["model"][1].update(id=d["model"][0]["id"]), "duplicate model id"),
        (lambda d: d["model"][1]["aliases"].append(d["model"][0]["aliases"][0]), "duplicate alias"),
        (lambda d: d["model"][1]["offerings"].append(d["model"][0]["offerings"][0]), "duplicate offering"),
        (lambda d: d["model"][0].update(id="Not A Slug"), "String should match pattern"),
        (lambda d: d["model"][0].update(offerings=["no-colon"]), "not 'provider:model-id'"),
    ],
)
def test_schema_is_strict(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = _raw()
    if not data["model"][0]["aliases"]:
        data["model"][0]["aliases"] = ["some-alias"]
    mutate(data)
    with pytest.raises(ValidationError, match=message):
        Overlay.model_validate(data)

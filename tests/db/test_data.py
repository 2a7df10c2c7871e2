"""data/catalog.toml validates: strict schema, unique ids and aliases, every mapped offering exists
upstream (genai-prices' bundled snapshot), succession and family names hold together, curated LMArena
keys exist in the bundled leaderboard, and the facts the product promises hold."""

import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from bot.commands.ask import Context, respond
from bot.contract.answers import ModelAnswer
from bot.domain.overlay import CATALOG_FILE, Overlay, load_overlay
from bot.feeds import labapis
from bot.feeds.genai_prices import from_snapshot
from bot.feeds.leaderboard import load_bundled

OVERLAY = load_overlay()


def test_every_mapped_offering_exists_upstream_with_a_price() -> None:
    # Upstream: genai-prices' snapshot, and the labs' APIs it lacks, priced from models.dev (feeds.labapis).
    upstream = {(o.provider_id, o.provider_model_id) for o in (*from_snapshot(), *labapis.offerings())}
    missing = [
        f"{m.id}: {p}:{i}" for m in OVERLAY.model for p, i in m.offering_keys() if (p, i) not in upstream
    ]
    assert missing == []


def test_every_lab_provider_exists_upstream() -> None:
    providers = {o.provider_id for o in (*from_snapshot(), *labapis.offerings())}
    assert {lab.provider for lab in OVERLAY.lab} <= providers


def test_the_seed_draft_models_and_common_names_are_covered() -> None:
    ids = {m.id for m in OVERLAY.model}
    aliases = {a: m.id for m in OVERLAY.model for a in m.aliases}
    assert {"o1", "deepseek-r1", "gpt-4o", "llama-3.3-70b", "qwq-32b", "kimi-k2", "glm-4.5"} <= ids
    assert aliases["r1"] == "deepseek-r1"
    assert aliases["4o"] == aliases["gpt4o"] == "gpt-4o"
    assert aliases["llama 70b"] == "llama-3.3-70b"
    assert "o3" not in aliases and "o1" not in aliases  # ids, not aliases: never pointing elsewhere


def test_curated_arena_keys_are_in_the_bundled_leaderboard() -> None:
    keys = load_bundled().keys()
    assert [k for m in OVERLAY.model for k in m.all_arena_keys() if k not in keys] == []


def test_family_names_users_type_alone_resolve_within_the_lab() -> None:
    families = {f.name: f for f in OVERLAY.family}
    wanted = {"claude", "gemini", "gpt", "llama", "qwen", "grok", "mistral", "deepseek", "kimi", "glm"}
    assert set(families) == wanted
    assert families["claude"].flagship == "claude-sonnet-5.5"
    assert families["gpt"].flagship == "gpt-5.5"
    assert OVERLAY.family_named("Claude") is families["claude"]
    # Three family names are also aliases today, each of its own flagship (the only clash allowed).
    aliases = {a: m.id for m in OVERLAY.model for a in m.aliases}
    assert {n: aliases[n] for n in wanted if n in aliases} == {
        "grok": "grok-4.7",
        "kimi": "kimi-k2.5",
        "glm": "glm-4.6",
    }


# What a model LMArena's 2026-08-19 board does not list falls back to (the overall category): the newest
# scored model of its family before it, curated or not. GPT-5.5 and Gemini 3.1 Pro have their own.
FLOORS = {
    "claude-sonnet-5.5": "claude-sonnet-5",  # listed only as claude-sonnet-5-high: that variant stands for it
    "claude-opus-5.5": "claude-opus-5",
    "claude-haiku-5.5": "claude-haiku-4.5",
    "gpt-5.5": None,
    "grok-4.7": "grok-4.6",  # grok-4.6-high; never grok-4-0709 (Grok 4) while a newer Grok is scored
    "gemini-3.1-pro": None,
    "gemini-3.8-flash": "gemini-3.7-flash",
    "codestral-2508": None,  # no scored ancestor: says so, and how to fix it
}


@pytest.mark.parametrize(("model_id", "floor"), FLOORS.items())
def test_unlisted_models_get_their_newest_scored_predecessor_as_floor(
    catalog: Engine, model_id: str, floor: str | None
) -> None:
    answer = respond(catalog, model_id, Context.cli())
    assert isinstance(answer, ModelAnswer)
    q = answer.model.quality
    assert (q.floor_from_id if q else None) == floor
    if model_id in ("gpt-5.5", "gemini-3.1-pro"):
        assert q is not None and q.floor_from is None and q.variant is None  # its own default key's


def _raw() -> dict:  # type: ignore[type-arg]
    return tomllib.loads(Path(CATALOG_FILE).read_text())


def _model(data: dict, model_id: str) -> dict:  # type: ignore[type-arg]
    return next(m for m in data["model"] if m["id"] == model_id)  # type: ignore[no-any-return]


def _family(data: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(f for f in data["family"] if f["name"] == name)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["model"][0].update(colour="red"), "Extra inputs"),
        (lambda d: d["model"][1].update(id=d["model"][0]["id"]), "duplicate model id"),
        (lambda d: d["model"][1]["aliases"].append(d["model"][0]["aliases"][0]), "duplicate alias"),
        (lambda d: d["model"][1]["offerings"].append(d["model"][0]["offerings"][0]), "duplicate offering"),
        (lambda d: d["model"][0].update(id="Not A Slug"), "String should match pattern"),
        (lambda d: d["model"][0].update(offerings=["no-colon"]), "not 'provider:model-id'"),
        (lambda d: _model(d, "o3").update(arena_keys=["o1-2024-12-17"]), "duplicate arena key"),
        (lambda d: _model(d, "o3").update(arena_variants={"o3-high": "High!"}), "not a lowercase slug"),
        (lambda d: _model(d, "o3").update(succeeds="o2"), "succeeds 'o2', which is not a model"),
        (lambda d: _model(d, "o3").update(succeeds="o3"), "cannot succeed itself"),
        (lambda d: _model(d, "o3").pop("family"), "succeeds needs a family"),
        (lambda d: _model(d, "grok-4").update(succeeds="gpt-5"), "succession stays within a lab"),
        (lambda d: _model(d, "claude-sonnet-4").update(succeeds="claude-sonnet-5.5"), "succession cycle"),
        (lambda d: _family(d, "claude").update(flagship="claude-opus-4"), "is not one of its members"),
        (lambda d: _family(d, "claude")["members"].append("gpt-5"), "another lab's"),
        (lambda d: _family(d, "claude")["members"].append("claude-9"), "are not models"),
        (lambda d: _family(d, "glm").update(name="gemma"), "alias of gemma-3-27b, not of its flagship"),
        (lambda d: _family(d, "glm").update(name="o3"), "is a model id"),
        (lambda d: _family(d, "glm").update(name="claude"), "duplicate family name"),
    ],
)
def test_schema_is_strict(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = _raw()
    if not data["model"][0]["aliases"]:
        data["model"][0]["aliases"] = ["some-alias"]
    mutate(data)
    with pytest.raises(ValidationError, match=message):
        Overlay.model_validate(data)

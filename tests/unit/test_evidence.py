"""Open weights from evidence (data/evidence/, bot.domain.evidence): open when a source says so, closed
when one says so, unknown otherwise; licences as the source writes them; kinds of model."""

import json

import pytest

from bot.domain.evidence import (
    EVIDENCE_DIR,
    LMARENA,
    MODELS_DEV,
    OPENROUTER,
    display_name,
    evidence_for,
    kind_of,
    not_for_commercial,
)
from bot.domain.identity import identify


@pytest.mark.parametrize(
    ("key", "open_weights", "licence", "source"),
    [
        ("deepseek-v4-pro", True, "MIT", LMARENA),
        ("kimi-k2.6", True, "Modified MIT", LMARENA),
        ("gemma-4-31b", True, "Apache 2.0", LMARENA),
        ("qwen3.5-397b-a17b", True, "Apache 2.0", LMARENA),
        ("llama-4-maverick", True, "Llama 4", LMARENA),
        ("mistral-large-2411", True, "MRL", LMARENA),
        ("claude-sonnet-5", False, "Proprietary", LMARENA),
        ("qwen3.5-plus", False, None, MODELS_DEV),  # models.dev's Alibaba entry: closed, no licence named
        ("mistral-large-4", None, None, None),  # no source says: unknown, never open
        ("no-such-model-9", None, None, None),
    ],
)
def test_open_weights_come_from_evidence(
    key: str, open_weights: bool | None, licence: str | None, source: str | None
) -> None:
    found = evidence_for(key)
    assert (found.open_weights, found.license) == (open_weights, licence)
    assert (found.weights_source or "").startswith(source or "")
    assert (found.weights_source is None) == (source is None)


def test_where_sources_disagree_the_first_wins_and_the_others_are_named() -> None:
    glm = evidence_for("glm-5.1")
    assert (glm.open_weights, glm.license) == (True, "MIT")
    assert glm.weights_source == f"{LMARENA} (MIT); {MODELS_DEV} (zhipuai) says closed"


def test_a_hugging_face_id_at_openrouter_is_evidence_of_open_weights() -> None:
    sources = evidence_for("qwen3.5-397b-a17b").weights_source or ""
    assert OPENROUTER not in sources  # it agrees: only disagreement is named
    assert evidence_for("qwen3.5-397b-a17b").release_date is not None


@pytest.mark.parametrize(
    ("licence", "flagged"),
    [
        ("MRL", True),
        ("MRL (research only)", True),
        ("Mistral Research", True),
        ("CC-BY-NC-4.0", True),
        ("Non-commercial", True),
        ("MIT", False),
        ("Apache 2.0", False),
        ("Modified MIT", False),
        ("Llama 4 Community", False),
        (None, False),
    ],
)
def test_licences_that_forbid_commercial_use_are_flagged(licence: str | None, flagged: bool) -> None:
    assert not_for_commercial(licence) is flagged


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("gpt-5.6-sol", "text"),
        ("text-embedding-3-large", "embedding"),
        ("bge-m3", "embedding"),
        ("whisper-large-v3", "audio"),
        ("gpt-4o-mini-tts", "audio"),
        ("gpt-image-1", "image"),
        ("qwen3-vl-235b-a22b", "text"),  # sees images, writes text
        ("bge-reranker-base", "other"),
    ],
)
def test_the_kind_of_a_model(key: str, kind: str) -> None:
    assert kind_of(key) == kind


def test_a_name_made_from_a_key_when_no_source_gives_one() -> None:
    assert display_name("gemma-4-31b") == "Gemma 4 31B"
    assert display_name("glm-5.3-max") == "GLM 5.3 Max"


def test_the_bundled_evidence_is_keyed_by_the_identity_rule_of_today() -> None:
    """Rebuild data/evidence/ (python -m bot.feeds.evidence_extract ..., see its SOURCE.md) when the rule
    changes: a key the rule now reads differently would never be found."""
    for name in ("modelsdev.json", "openrouter.json", "lmarena.json"):
        keys = json.loads((EVIDENCE_DIR / name).read_text())
        stale = [k for k in keys if identify("", k).key != k]
        assert not stale, f"{name}: {stale[:5]}"

"""What the sources say of a model, and what the catalog concludes: open weights and licence, release
date, name, kind (text, embedding, image, audio) — each with the source it came from.

The facts are data/evidence/ (models.dev 2026-07-02, OpenRouter 2026-05-15, LMArena text 2026-08-19;
rebuilt by bot.feeds.evidence_extract), keyed by the model's key (bot.domain.identity). The rule:

- Open weights only from evidence: LMArena's licence (anything but "Proprietary" names an open licence;
  "Proprietary" is closed), else models.dev's `open_weights`, else a Hugging Face id at OpenRouter
  (open). No source: unknown — shown as unknown, never as open. Where sources disagree, the first of
  that order wins and the others are named in `source`.
- The licence as the source writes it (LMArena's); a licence that forbids commercial use (Mistral's
  research licence MRL, CC-BY-NC) is flagged by `not_for_commercial`.
- data/catalog.toml's own facts (a curated model's) always win: they are corrections, with reasons.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal  # Any: the extracts' decoded JSON

from bot.config import DATA_DIR

EVIDENCE_DIR = DATA_DIR / "evidence"
MODELS_DEV = "models.dev 2026-07-02"
OPENROUTER = "OpenRouter 2026-05-15"
LMARENA = "LMArena text 2026-08-19"

Kind = Literal["text", "embedding", "image", "audio", "other"]
KINDS: tuple[Kind, ...] = ("text", "embedding", "image", "audio", "other")

_NON_COMMERCIAL = re.compile(r"\b(?:mrl|research|non[\s-]?commercial|nc)\b", re.IGNORECASE)
_EMBEDDING = re.compile(r"(?:embed|^bge-|^e5-|^gte-|^nomic-|^jina-|^voyage-|^multilingual-e5)")
_RERANK = re.compile(r"rerank|moderation|guard|^omni-moderation")
_AUDIO = re.compile(
    r"(?:whisper|^tts|-tts|transcribe|audio|speech|realtime|orpheus|voxtral-mini-transcribe|sonic)"
)
_IMAGE = re.compile(r"(?:dall-e|imagen|image|flux|sdxl|stable-diffusion|^veo|^sora)")


@dataclass(frozen=True, slots=True)
class Evidence:
    """The catalog's conclusion about one model from the bundled sources."""

    open_weights: bool | None
    license: str | None
    weights_source: str | None  # where open_weights came from, and who disagrees
    release_date: date | None
    name: str | None
    kind: Kind
    context: int | None


@functools.cache
def _load(name: str) -> dict[str, dict[str, Any]]:
    path = EVIDENCE_DIR / name
    if not path.exists():
        return {}
    data: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def evidence_for(key: str) -> Evidence:
    """What the bundled sources say of the model `key`, decided by the rule in the module docstring."""
    dev = _load("modelsdev.json").get(key, {})
    arena = _load("lmarena.json").get(key, {})
    router = _load("openrouter.json").get(key, {})
    said: list[tuple[str, bool]] = []
    licence = None
    if arena.get("licence"):
        licence = str(arena["licence"])
        said.append((f"{LMARENA} ({licence})", licence != "Proprietary"))
    if dev.get("open_weights") is not None:
        said.append((f"{MODELS_DEV} ({dev.get('from', 'a host')})", bool(dev["open_weights"])))
    if router.get("hugging_face_id"):
        said.append((f"{OPENROUTER} (Hugging Face {router['hugging_face_id']})", True))
    open_weights = said[0][1] if said else None
    source = None
    if said:
        against = [
            f"{who} says {'open' if says else 'closed'}" for who, says in said[1:] if says != open_weights
        ]
        source = "; ".join([said[0][0], *against])
    released = dev.get("release_date")
    return Evidence(
        open_weights=open_weights,
        license=licence if open_weights else ("Proprietary" if licence == "Proprietary" else None),
        weights_source=source,
        release_date=_day(released),
        name=dev.get("name"),
        kind=kind_of(key, dev.get("family"), dev.get("outputs", ())),
        context=dev.get("context"),
    )


def _day(text: object) -> date | None:
    """A full date only: models.dev has some `2025-04` (a month), which says no day."""
    return date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None


def kind_of(key: str, family: str | None = None, outputs: Any = ()) -> Kind:
    """Text unless the model's name or its source's modalities say embedding, image or audio."""
    words = f"{family or ''} {key}".strip()
    outs = set(outputs)
    if _RERANK.search(key):
        return "other"
    if _EMBEDDING.search(key) or "embedding" in (family or ""):
        return "embedding"
    if outs and "text" not in outs:
        return "image" if "image" in outs else "audio" if "audio" in outs else "other"
    if _AUDIO.search(key):
        return "audio"
    if _IMAGE.search(words) and not re.search(r"-vl\b|vision", key):
        return "image"
    return "text"


def not_for_commercial(licence: str | None) -> bool:
    """A licence that forbids commercial use (MRL, Mistral Research, CC-BY-NC, Non-commercial)."""
    return bool(licence and _NON_COMMERCIAL.search(licence.replace("-", " ")))


def display_name(key: str) -> str:
    """A name made from a key when no source gives one: `gemma-4-31b` -> Gemma 4 31B."""
    words = []
    for word in key.split("-"):
        if re.fullmatch(r"[a-z]?\d+(?:\.\d+)?[bmk]", word):
            words.append(word.upper())
        elif word in ("gpt", "glm", "oss", "vl"):
            words.append(word.upper())
        else:
            words.append(word[:1].upper() + word[1:])
    return " ".join(words)

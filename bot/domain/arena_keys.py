"""LMArena leaderboard keys -> catalog models: curated mappings first, then exact normalised names.

A key either maps to (model id, variant) -- variant None for the model's own score, or e.g. `thinking-32k`,
`high`, `no-thinking` for a reasoning-effort or thinking mode, never the default -- or is listed as
unmapped or ambiguous with the reason. Nothing is guessed:

- Curated keys (data/catalog.toml `arena_key`, `arena_keys`, `arena_variants`) always win.
- Otherwise a key is split into stem + variant suffix, and the stem must equal, once normalised, a model's
  id, name or an alias with a digit in it (`sonnet`, `mistral medium` move to each new release, so they
  never match a key). Only when that fails are full dates, `-preview` and `-latest` stripped and the
  base tried the same way. Four-digit suffixes stay (`deepseek-r1-0528`, `mistral-large-2407` are other
  models). Vendor prefixes (`openai/`, `anthropic-`) go; `3-5` between single digits reads `3.5`.
- A model with curated keys only takes automatic keys of the same snapshot (the same stem as a curated
  key): `gpt-4o-2024-05-13` is not the curated `gpt-4o-2024-08-06`, `o1-preview` is not o1.
- A model with no curated key takes automatic keys of one snapshot only; keys of several snapshots of
  it (two previews) are all ambiguous, and two keys claiming one (model, variant) are too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.domain.overlay import Overlay

_ORG_PATH = re.compile(r"^[a-z0-9_.\-]+/")
_VENDOR = re.compile(r"^(?:openai|anthropic|google|meta|xai|x-ai|mistralai|deepseek-ai)-(?=[a-z])")
_VARIANT = re.compile(
    r"-(no-thinking|thinking(?:-\d+k)?|think|reasoning|minimal|low|medium|high(?:-\d+k)?|xhigh)$"
)
_DATE = re.compile(r"-(?:\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4}|20\d{4})$")
_PREVIEW = re.compile(r"-(?:preview|latest)(?:-\d{2}-\d{2}|-\d{4})?$")
_SPACES = re.compile(r"[\s_]+")
_DASHES = re.compile(r"-{2,}")
_DOT_VERSION = re.compile(r"(?<=[a-z]-\d)-(?=\d(?:-|$))")  # claude-3-5-sonnet -> claude-3.5-sonnet
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class ModelNames:
    """What the mapper knows of one catalog model: its names and any curated leaderboard keys."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # curated keys that are this model's own score
    variant_keys: Mapping[str, str] = field(default_factory=dict)  # curated key -> variant


@dataclass(frozen=True)
class Match:
    model_id: str
    variant: str | None
    curated: bool


@dataclass(frozen=True)
class Unresolved:
    reason: str
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyParts:
    """A key taken apart: `stem` without the variant suffix, `base` also without dates and previews."""

    stem: str
    base: str
    variant: str | None


@dataclass(frozen=True)
class KeyMapping:
    mapped: dict[str, Match]
    unmapped: dict[str, Unresolved]
    ambiguous: dict[str, Unresolved]

    def model_ids(self) -> set[str]:
        return {m.model_id for m in self.mapped.values()}


def canonical(text: str) -> str:
    """Lower case, dashes for spaces, no vendor prefix, `4-5` as `4.5`: `Claude Opus 4.5`, claude-opus-4-5
    and `anthropic/claude-opus-4-5` all become claude-opus-4.5."""
    t = text.strip().lower().replace("(", " ").replace(")", " ")
    t = _ORG_PATH.sub("", _SPACES.sub("-", t.strip()))
    t = _VENDOR.sub("", _DASHES.sub("-", t).strip("-"))
    return _DOT_VERSION.sub(".", t)


def split_key(key: str) -> KeyParts:
    """`claude-opus-4-5-20251101-thinking-32k` -> stem claude-opus-4.5-20251101, base claude-opus-4.5."""
    stem = canonical(key)
    variant = None
    found = _VARIANT.search(stem)
    if found and _DIGIT.search(stem[: found.start()]):  # `mistral-medium` is a name, not an effort
        stem, variant = stem[: found.start()], found.group(1)
    base, previous = stem, ""
    while base != previous:
        previous = base
        base = _PREVIEW.sub("", _DATE.sub("", base))
    return KeyParts(stem, base, variant)


def map_keys(keys: Iterable[str], models: Iterable[ModelNames]) -> KeyMapping:
    """Map every leaderboard key to a model (and variant), or say why it can't be."""
    models = list(models)
    curated = _curated(models)
    index = _name_index(models)
    curated_stems = {
        m.id: {split_key(k).stem for k in (*m.keys, *m.variant_keys)}
        for m in models
        if m.keys or m.variant_keys
    }
    mapped: dict[str, Match] = {}
    unmapped: dict[str, Unresolved] = {}
    ambiguous: dict[str, Unresolved] = {}
    auto: dict[str, tuple[str, KeyParts]] = {}
    for key in sorted(set(keys)):
        if key in curated:
            hits = curated[key]
            if len(hits) == 1:
                mapped[key] = Match(*hits[0], curated=True)
            else:
                ids = tuple(sorted({h[0] for h in hits}))
                ambiguous[key] = Unresolved("curated under several models", ids)
            continue
        parts = split_key(key)
        candidates = index.get(parts.stem) or index.get(parts.base) or set()
        if not candidates:
            unmapped[key] = Unresolved(f"no catalog model is named {parts.base!r}")
        elif len(candidates) > 1:
            ambiguous[key] = Unresolved(f"{parts.base!r} names several models", tuple(sorted(candidates)))
        else:
            (model_id,) = candidates
            stems = curated_stems.get(model_id)
            if stems is not None and parts.stem not in stems:
                reason = f"another snapshot or model than {model_id}'s curated key(s)"
                unmapped[key] = Unresolved(reason, (model_id,))
            else:
                auto[key] = (model_id, parts)
    _settle(auto, curated_stems, mapped, ambiguous)
    return KeyMapping(mapped, unmapped, ambiguous)


def models_from_overlay(overlay: Overlay) -> list[ModelNames]:
    """The curated catalog as the mapper sees it (uncurated models can be added as plain ModelNames)."""
    return [
        ModelNames(
            id=m.id,
            name=m.name,
            aliases=tuple(m.aliases),
            keys=tuple(k for k in (m.arena_key, *m.arena_keys) if k),
            variant_keys=dict(m.arena_variants),
        )
        for m in overlay.model
    ]


def _curated(models: list[ModelNames]) -> dict[str, list[tuple[str, str | None]]]:
    curated: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for m in models:
        for key in m.keys:
            curated[key].append((m.id, None))
        for key, variant in m.variant_keys.items():
            curated[key].append((m.id, variant))
    return curated


def _name_index(models: list[ModelNames]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for m in models:
        for name in (m.id, m.name, *m.aliases):
            form = canonical(name)
            if _DIGIT.search(form):
                index[form].add(m.id)
    return index


def _settle(
    auto: dict[str, tuple[str, KeyParts]],
    curated_stems: dict[str, set[str]],
    mapped: dict[str, Match],
    ambiguous: dict[str, Unresolved],
) -> None:
    """Automatic matches stand only if each model got one snapshot and each (model, variant) one key."""
    by_model: dict[str, list[str]] = defaultdict(list)
    for key, (model_id, _) in auto.items():
        by_model[model_id].append(key)
    for model_id, keys in by_model.items():
        stems = {auto[k][1].stem for k in keys}
        slots = [auto[k][1].variant for k in keys]
        taken = {v for k, v in mapped.items() if v.model_id == model_id}
        for key in keys:
            variant = auto[key][1].variant
            if model_id not in curated_stems and len(stems) > 1:
                reason = f"several snapshots of {model_id}: {', '.join(sorted(keys))}"
                ambiguous[key] = Unresolved(reason, (model_id,))
            elif slots.count(variant) > 1 or any(m.variant == variant for m in taken):
                what = f"{model_id} ({variant})" if variant else model_id
                ambiguous[key] = Unresolved(f"several keys claim {what}", (model_id,))
            else:
                mapped[key] = Match(model_id, variant, curated=False)

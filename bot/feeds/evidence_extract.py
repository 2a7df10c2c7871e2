"""Rebuild data/evidence/: the facts about models that the catalog takes from models.dev, OpenRouter and
LMArena, extracted small from the public files, keyed by the model's key (bot.domain.identity).

    python -m bot.feeds.evidence_extract MODELS_DEV_PROVIDERS.json OPENROUTER_MODELS.json LMARENA_TEXT.parquet

- models.dev (its providers file: every provider's models.toml): per model its name, release date,
  open_weights, output modalities and context, from the lab's own provider where models.dev has it
  (`alibaba` for Qwen, `moonshotai` for Kimi), else from the hosts (open_weights: their majority,
  unknown on a tie), with the hosts that disagree on open_weights named.
- OpenRouter (`GET /api/v1/models`): the Hugging Face id of a model's weights, where it gives one.
- LMArena (the text leaderboard's Parquet): the licence column, as LMArena writes it.

Only facts are taken (no descriptions). data/evidence/SOURCE.md names the files and their dates.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any  # Any: decoded JSON of the source files

from bot.config import DATA_DIR
from bot.domain.identity import identify, lab_of

OUT = DATA_DIR / "evidence"

# models.dev's provider ids that are a lab's own API (its facts win over a host's).
LAB_PROVIDERS = {
    "OpenAI": ("openai",),
    "Anthropic": ("anthropic",),
    "Google": ("google",),
    "DeepSeek": ("deepseek",),
    "Mistral": ("mistral",),
    "xAI": ("xai",),
    "Moonshot AI": ("moonshotai",),
    "Z.ai": ("zai", "zhipuai"),
    "Cohere": ("cohere",),
    "MiniMax": ("minimax",),
    "Meta": ("llama",),
    "Alibaba/Qwen": ("alibaba",),
    "Amazon": ("nova",),
}


def models_dev(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per model key: models.dev's facts, the lab's own entry first, else the hosts' most common."""
    entries: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for provider_id, provider in raw["providers"].items():
        for model_id, model in provider["models"].items():
            ident = identify(provider_id, model_id)
            if ident.plain and "name" in model:
                entries[ident.key].append((provider_id, model))
    out: dict[str, dict[str, Any]] = {}
    for key, found in sorted(entries.items()):
        own = LAB_PROVIDERS.get(lab_of(key) or "", ())
        mine = [(p, m) for p, m in found if p in own]
        chosen_provider, chosen = (mine or sorted(found, key=lambda e: e[0]))[0]
        says = {p: m.get("open_weights") for p, m in found if m.get("open_weights") is not None}
        if mine and chosen.get("open_weights") is not None:
            open_weights = chosen["open_weights"]
        else:
            # No word from the lab: the hosts' majority, and unknown when they split evenly.
            yes = sum(1 for v in says.values() if v)
            no = len(says) - yes
            open_weights = True if yes > no else False if no > yes else None
        dates = Counter(m["release_date"] for _, m in found if m.get("release_date"))
        outputs = sorted({o for _, m in found for o in (m.get("modalities") or {}).get("output", [])})
        fact: dict[str, Any] = {
            "name": chosen["name"],
            "from": chosen_provider,
            "release_date": chosen.get("release_date") or (dates.most_common(1)[0][0] if dates else None),
            "open_weights": open_weights,
            "family": chosen.get("family"),
            "outputs": outputs,
            "context": (chosen.get("limit") or {}).get("context"),
        }
        if open_weights is not None and (against := sorted(p for p, v in says.items() if v != open_weights)):
            fact["disagree"] = against[:5]
        out[key] = {k: v for k, v in fact.items() if v not in (None, [])}
    return out


def openrouter(raw: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per model key: the Hugging Face id OpenRouter gives for its weights (open-weights models only)."""
    out: dict[str, dict[str, str]] = {}
    for model in raw["data"]:
        found = identify("openrouter", model["id"])
        if found.plain and model.get("hugging_face_id"):
            out[found.key] = {"hugging_face_id": model["hugging_face_id"], "openrouter_id": model["id"]}
    return dict(sorted(out.items()))


def lmarena(path: Path) -> dict[str, dict[str, str]]:
    """Per model key: LMArena's licence (and its key); its reasoning variants fold into the model."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415  (pyarrow: only to rebuild the extract)

    table = pq.read_table(path, columns=["model_name", "license", "leaderboard_publish_date"])
    out: dict[str, dict[str, str]] = {}
    for row in table.to_pylist():
        found = identify("lmarena", row["model_name"])
        licence = row["license"]
        if not licence:
            continue
        entry = out.get(found.key)
        if entry is None or (found.plain and entry["key"] != found.key):
            out[found.key] = {"licence": licence, "key": row["model_name"]}
    return dict(sorted(out.items()))


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        raise SystemExit(__doc__)
    dev, router, arena = (Path(a) for a in argv)
    OUT.mkdir(exist_ok=True)
    files = {
        "modelsdev.json": models_dev(json.loads(dev.read_text())),
        "openrouter.json": openrouter(json.loads(router.read_text())),
        "lmarena.json": lmarena(arena),
    }
    for name, data in files.items():
        (OUT / name).write_text(json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n")
        print(f"{name}: {len(data)} models")


if __name__ == "__main__":
    main(sys.argv[1:])

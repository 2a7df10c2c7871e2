"""LiteLLM entries -> the catalog's offerings they describe, and the bundled extract built from them.

The rules (exact matches only, ignoring case) and the provider-name table live in
data/litellm/providers.toml; this module applies them. Regenerate the extract with
`python -m bot.feeds.crosscheck_match LITELLM_JSON "litellm X.Y.Z (YYYY-MM)"`.
"""

from __future__ import annotations

import functools
import json
import sys
import tomllib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any  # Any: the extract is written as JSON

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.config import DATA_DIR
from bot.domain.crosscheck import EXTRACT_FILE, Facts, Key
from bot.domain.overlay import load_overlay
from bot.domain.prices import plain
from bot.feeds.crosscheck_file import Entry, parse_litellm

PROVIDERS_FILE = DATA_DIR / "litellm" / "providers.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProviderRule(_Strict):
    id: str = Field(min_length=1)  # genai-prices provider id
    litellm: list[str] = Field(min_length=1)  # LiteLLM provider names, preferred first
    prefixes: list[str] = []


class ProviderTable(_Strict):
    provider: list[ProviderRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ProviderTable:
        names = [n for rule in self.provider for n in rule.litellm]
        ids = [rule.id for rule in self.provider]
        for what, values in (("LiteLLM provider", names), ("provider id", ids)):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"duplicate {what}: {', '.join(dupes)}")
        return self

    def rule_for(self, litellm_provider: str) -> tuple[ProviderRule, int] | None:
        """The rule that covers a LiteLLM provider name, and that name's rank within it."""
        for rule in self.provider:
            if litellm_provider in rule.litellm:
                return rule, rule.litellm.index(litellm_provider)
        return None


@functools.cache
def load_providers(path: Path = PROVIDERS_FILE) -> ProviderTable:
    with path.open("rb") as fh:
        return ProviderTable.model_validate(tomllib.load(fh))


def model_id(entry: Entry, rule: ProviderRule) -> str:
    """The model id a LiteLLM key names at its provider: the key without its routing prefix."""
    for prefix in (*rule.prefixes, f"{entry.litellm_provider}/"):
        if entry.key.startswith(prefix):
            return entry.key[len(prefix) :]
    return entry.key


def counterparts(
    entries: Iterable[Entry], known: Collection[Key], table: ProviderTable | None = None
) -> dict[Key, Entry]:
    """The LiteLLM entry for each offering in `known` (genai-prices keys) that one describes exactly."""
    table = table or load_providers()
    by_folded: dict[tuple[str, str], list[str]] = defaultdict(list)
    for provider, model in known:
        by_folded[(provider, model.casefold())].append(model)
    best: dict[Key, tuple[tuple[int, int, str], Entry]] = {}
    for entry in entries:
        found = table.rule_for(entry.litellm_provider)
        if found is None:
            continue
        rule, rank = found
        wanted = model_id(entry, rule)
        matches = by_folded.get((rule.id, wanted.casefold()), [])
        if len(matches) != 1:
            continue  # not listed upstream, or two ids differing only in case: no guessing
        key = (rule.id, matches[0])
        preference = (rank, 0 if wanted != entry.key else 1, entry.key)
        if key not in best or preference < best[key][0]:
            best[key] = (preference, entry)
    return {key: entry for key, (_, entry) in sorted(best.items())}


def facts_of(entry: Entry) -> Facts:
    return Facts(
        litellm_key=entry.key,
        input_mtok=entry.input_mtok,
        output_mtok=entry.output_mtok,
        cache_read_mtok=entry.cache_read_mtok,
        max_input_tokens=entry.max_input_tokens,
        max_output_tokens=entry.max_output_tokens,
        deprecation_date=entry.deprecation_date,
        extra=entry.extra,
    )


def extract(entries: Iterable[Entry], offerings: Collection[Key], *, source: str) -> dict[str, Any]:
    """The bundled extract (JSON-ready): LiteLLM's facts for those of `offerings` it describes."""
    found = counterparts(entries, offerings)
    return {
        "source": source,
        "licence": "MIT",
        "offerings": {f"{p}:{m}": _jsonable(facts_of(e)) for (p, m), e in found.items()},
    }


def _jsonable(facts: Facts) -> dict[str, Any]:
    return {
        "litellm_key": facts.litellm_key,
        "input_mtok": plain(facts.input_mtok),
        "output_mtok": plain(facts.output_mtok),
        "cache_read_mtok": plain(facts.cache_read_mtok),
        "max_input_tokens": facts.max_input_tokens,
        "max_output_tokens": facts.max_output_tokens,
        "deprecation_date": facts.deprecation_date and facts.deprecation_date.isoformat(),
        **({"extra": {e.code: plain(e.mtok) for e in facts.extra}} if facts.extra else {}),
    }


def source(release: str) -> str:
    return f"BerriAI/litellm model_prices_and_context_window.json, as shipped in {release}"


def curated_offerings() -> list[Key]:
    return [key for model in load_overlay().model for key in model.offering_keys()]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, release = args
    entries = parse_litellm(Path(path).read_bytes())
    data = extract(entries, curated_offerings(), source=source(release))
    EXTRACT_FILE.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(data['offerings'])} offerings -> {EXTRACT_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

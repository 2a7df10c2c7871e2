"""models.dev's facts about the labs' own APIs, bundled as data/modelsdev/extract.json: per host (a
genai-prices provider id, or `alibaba`, which genai-prices lacks) and host model id, the price models.dev
lists (USD per 1M tokens), its lifecycle `status` (`deprecated`, or none), its name and context window.

A second source for two rules: whether a row genai-prices puts at a lab's API is the lab's own price
(bot.domain.labprice), and where the lifecycle sources disagree (the audit). How it is built and
rebuilt: data/modelsdev/SOURCE.md (`python -m bot.feeds.modelsdev_file`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from bot.config import DATA_DIR

EXTRACT_FILE = DATA_DIR / "modelsdev" / "extract.json"

# models.dev provider id -> the host id the catalog uses (genai-prices' provider id): the labs' own APIs.
HOSTS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "deepseek": "deepseek",
    "mistral": "mistral",
    "xai": "x-ai",
    "moonshotai": "moonshotai",
    "zai": "zai",
    "zhipuai": "zhipuai",
    "cohere": "cohere",
    "minimax": "minimax",
    "llama": "meta",
    "alibaba": "alibaba",
}


@dataclass(frozen=True)
class Listing:
    """One model as models.dev lists it at one host."""

    name: str
    status: str | None  # "deprecated", or None when models.dev gives none
    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None
    context_window: int | None


@dataclass(frozen=True)  # not slots: the cached property keeps its value on the instance
class Extract:
    source: str
    as_of: date  # the day of models.dev's data
    listings: dict[tuple[str, str], Listing]  # (host, host model id, lower case) -> listing

    def get(self, host: str, model_id: str) -> Listing | None:
        return self.listings.get((host, model_id.lower()))

    @functools.cached_property
    def _by_host(self) -> dict[str, list[tuple[str, list[str], Listing]]]:
        """host -> (bare id, the name's words, listing), in the file's order: what `find` compares."""
        out: dict[str, list[tuple[str, list[str], Listing]]] = {}
        for (h, model_id), listing in self.listings.items():
            out.setdefault(h, []).append((_bare(model_id), _plain(listing.name).split(), listing))
        return out

    def find(self, host: str, ids: Iterable[str], name: str | None = None) -> Listing | None:
        """The listing at `host` of a model known by these ids (or, failing them, this name): ids
        compared without a `-latest` or date suffix (claude-3-5-sonnet-20241022, command-a-03-2025)."""
        listed = self._by_host.get(host, [])
        wanted = {_bare(i) for i in ids}
        for bare, _, listing in listed:
            if bare in wanted:
                return listing
        if name is not None:
            # "Mistral Small 3.2" is "Mistral Small 3.2 24B (2506)": a versioned name, then only sizes and
            # dates; "Mistral Small" is not, nor is "o1" "o1 mini".
            words = _plain(name).split()
            for _, said, listing in listed:
                rest = words[len(said) :]
                if (
                    words[: len(said)] == said
                    and any(c.isdigit() for c in "".join(said))
                    and all(any(c.isdigit() for c in w) for w in rest)
                ):
                    return listing
        return None

    @functools.cached_property
    def _deprecated(self) -> frozenset[tuple[str, str]]:
        return frozenset((h, _bare(m)) for (h, m), x in self.listings.items() if x.status == "deprecated")

    def deprecated(self, host: str, model_id: str) -> bool:
        """Whether models.dev marks this host model id deprecated (by its id, without a date suffix)."""
        return (host, _bare(model_id)) in self._deprecated

    def lists_host(self, host: str) -> bool:
        return host in self._by_host


_SUFFIX = re.compile(r"-(latest|\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4})$")


def _bare(model_id: str) -> str:
    return _SUFFIX.sub("", model_id.lower())


def _plain(name: str) -> str:
    return " ".join(re.sub(r"\(latest\)|[^a-z0-9.]+", " ", name.lower()).split())


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


@functools.cache
def load_extract(path: Path = EXTRACT_FILE) -> Extract:
    raw = json.loads(path.read_text())
    listings = {
        (host, model_id.lower()): Listing(
            name=f["name"],
            status=f.get("status"),
            input_mtok=_dec(f.get("input_mtok")),
            output_mtok=_dec(f.get("output_mtok")),
            cache_read_mtok=_dec(f.get("cache_read_mtok")),
            context_window=f.get("context_window"),
        )
        for host, models in raw["hosts"].items()
        for model_id, f in models.items()
    }
    return Extract(source=raw["source"], as_of=date.fromisoformat(raw["as_of"]), listings=listings)

"""Labs' own APIs that genai-prices does not list, priced from models.dev's listing of them (bundled:
data/modelsdev/extract.json). Today one: Alibaba Cloud Model Studio, which sells Qwen (models.dev's
`alibaba` provider, dashscope-intl). Seeded with the catalog and at `modelcost db upgrade`, each as its
own change by its own source; the price feed never retires them (they are not its offerings).
"""

from __future__ import annotations

from bot.contract.actor import Actor
from bot.domain.modelsdev import load_extract
from bot.domain.prices import OfferingData, PriceData

HOSTS = {"alibaba": "Alibaba Cloud"}  # host id -> upstream's name for it


def source() -> Actor:
    extract = load_extract()
    return Actor(kind="snapshot", id=f"models.dev {extract.as_of.isoformat()} snapshot")


def offerings() -> list[OfferingData]:
    """Every model models.dev prices at these hosts (input and output known), as offerings."""
    out = []
    for (host, model_id), listing in sorted(load_extract().listings.items()):
        if host not in HOSTS or listing.input_mtok is None or listing.output_mtok is None:
            continue
        out.append(
            OfferingData(
                provider_id=host,
                provider_name=HOSTS[host],
                provider_model_id=model_id,
                name=listing.name,
                context_window=listing.context_window,
                price=PriceData(
                    input_mtok=listing.input_mtok,
                    output_mtok=listing.output_mtok,
                    cache_read_mtok=listing.cache_read_mtok,
                ),
            )
        )
    return out

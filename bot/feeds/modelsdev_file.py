"""Build data/modelsdev/extract.json from models.dev's provider files (bot.domain.modelsdev reads it).

    python -m bot.feeds.modelsdev_file PROVIDERS_JSON YYYY-MM-DD "models.dev (.../models.dev COMMIT, DAY)"

PROVIDERS_JSON is the one-file form of anomalyco/models.dev's providers/<provider>/provider.toml and
models/<id>.toml (`{"providers": {id: {"provider": {...}, "models": {id: {...}}}}}`). Only facts are
kept (name, status, price per 1M tokens as given, context window), only for the labs' own APIs
(bot.domain.modelsdev.HOSTS), and only a model's base price (a tiered price keeps its first tier).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any  # Any: models.dev's JSON as read

from bot.domain.modelsdev import EXTRACT_FILE, HOSTS


def _price(value: Any) -> str | None:
    if value is None:
        return None
    return format(Decimal(str(value)).normalize(), "f")


def extract(providers: dict[str, Any], as_of: str, source: str) -> dict[str, Any]:
    hosts: dict[str, dict[str, Any]] = {}
    for provider_id, host in sorted(HOSTS.items()):
        models = providers.get(provider_id, {}).get("models", {})
        out: dict[str, Any] = {}
        for model_id, m in sorted(models.items()):
            cost = m.get("cost") or {}
            row: dict[str, Any] = {"name": m.get("name") or model_id}
            if m.get("status"):
                row["status"] = m["status"]
            for key, name in (
                ("input", "input_mtok"),
                ("output", "output_mtok"),
                ("cache_read", "cache_read_mtok"),
            ):
                if (value := _price(cost.get(key))) is not None:
                    row[name] = value
            if (context := (m.get("limit") or {}).get("context")) is not None:
                row["context_window"] = int(context)
            out[model_id] = row
        hosts[host] = out
    return {"source": source, "as_of": as_of, "hosts": hosts}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as fh:
        providers = json.load(fh)["providers"]
    data = extract(providers, args[1], args[2])
    EXTRACT_FILE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"{sum(len(m) for m in data['hosts'].values())} listings -> {EXTRACT_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

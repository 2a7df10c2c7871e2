"""data/modelsdev/extract.json: models.dev's listings at the labs' own APIs, as bundled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from bot.domain.modelsdev import HOSTS, load_extract
from bot.feeds.modelsdev_file import extract

EXTRACT = load_extract()


def test_the_extract_is_dated_and_covers_the_labs_apis() -> None:
    assert EXTRACT.as_of == date(2026, 7, 2) and "f3fc6922" in EXTRACT.source
    assert all(EXTRACT.lists_host(host) for host in HOSTS.values())


def test_facts_as_models_dev_gives_them() -> None:
    qwen = EXTRACT.get("alibaba", "qwen3-max")
    assert qwen is not None and (qwen.input_mtok, qwen.output_mtok) == (D("1.2"), D("6"))
    sonnet = EXTRACT.get("anthropic", "Claude-3-7-Sonnet-20250219")  # any case
    assert sonnet is not None and sonnet.status == "deprecated"
    assert EXTRACT.get("openai", "gpt-oss-120b") is None  # OpenAI does not sell it


def test_the_builder_keeps_facts_only_and_maps_providers_to_hosts() -> None:
    providers = {
        "xai": {
            "provider": {"name": "xAI"},
            "models": {
                "grok-4.3": {
                    "name": "Grok 4.3",
                    "description": "prose is never kept",
                    "cost": {"input": 1.25, "output": 2.5, "cache_read": 0.2, "tiers": []},
                    "limit": {"context": 1000000},
                }
            },
        },
        "somewhere-else": {"provider": {}, "models": {"m": {"name": "M"}}},
    }
    built = extract(providers, "2026-07-02", "models.dev (test)")
    assert built["hosts"]["x-ai"] == {
        "grok-4.3": {
            "name": "Grok 4.3",
            "input_mtok": "1.25",
            "output_mtok": "2.5",
            "cache_read_mtok": "0.2",
            "context_window": 1000000,
        }
    }
    assert "somewhere-else" not in built["hosts"]


def test_models_devs_deprecated_status_counts_by_id_without_its_date() -> None:
    assert EXTRACT.deprecated("anthropic", "claude-3-haiku")  # listed as claude-3-haiku-20240307
    assert EXTRACT.deprecated("mistral", "open-mistral-nemo")
    assert not EXTRACT.deprecated("anthropic", "claude-haiku-4-5")
    assert not EXTRACT.deprecated("openai", "claude-3-haiku")  # per host

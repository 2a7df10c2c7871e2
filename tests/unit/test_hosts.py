"""data/hosts.toml: the host names replies show. Strict, unique, and every id is genai-prices' own."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from pydantic import ValidationError

from bot.domain.hosts import HOSTS_FILE, Hosts, display_name, load_hosts
from bot.domain.overlay import load_overlay
from bot.feeds import labapis
from bot.feeds.genai_prices import from_snapshot

HOSTS = load_hosts()


def test_every_host_id_exists_upstream() -> None:
    upstream = {o.provider_id for o in (*from_snapshot(), *labapis.offerings())}
    assert set(HOSTS.names) - upstream == set()


def test_every_host_of_a_curated_model_has_a_name() -> None:
    hosts = {p for m in load_overlay().model for p, _ in m.offering_keys()}
    assert hosts - set(HOSTS.names) == set()


@pytest.mark.parametrize(
    ("provider_id", "name"),
    [
        ("deepseek", "DeepSeek"),
        ("x-ai", "xAI"),
        ("moonshotai", "Moonshot AI"),
        ("together", "Together AI"),
        ("fireworks", "Fireworks AI"),
        ("zai", "Z.ai"),
        ("zhipuai", "Zhipu (China)"),
        ("aws", "Amazon Bedrock"),
        ("azure", "Azure"),
    ],
)
def test_names_people_recognise(provider_id: str, name: str) -> None:
    assert display_name(provider_id, "upstream name") == name


def test_an_unnamed_host_shows_upstreams_name_or_its_id() -> None:
    assert display_name("newhost", "New Host") == "New Host"
    assert display_name("newhost") == "newhost"


def _raw() -> dict[str, Any]:
    return tomllib.loads(HOSTS_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["host"].append({"id": "openai", "name": "Open AI"}), "duplicate host id: openai"),
        (lambda d: d["host"].append({"id": "new", "name": "OpenAI"}), "duplicate host name: OpenAI"),
        (lambda d: d["host"][0].update(name=""), "at least 1 character"),
        (lambda d: d["host"][0].update(name=" OpenAI"), "leading or trailing spaces"),
        (lambda d: d["host"][0].update(url="https://openai.com"), "Extra inputs"),
        (lambda d: d["host"].clear(), "at least 1 item"),
    ],
)
def test_the_schema_is_strict(mutate: Any, message: str) -> None:
    data = _raw()
    mutate(data)
    with pytest.raises(ValidationError, match=message):
        Hosts.model_validate(data)

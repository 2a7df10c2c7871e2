"""Cross-check feed factories: LiteLLM's file as shipped in 1.110.2, a newer edit of it (DeepSeek V3.2
priced as genai-prices prices it, Claude Haiku 4.5 dated retired), bad files, and a dump of all a
cross-check sync may change."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from bot import db
from bot.store.tables import Change, CrosscheckFact, Offering
from tests.litellm_file import litellm_bytes

URL = "https://feed.test/litellm/model_prices_and_context_window.json"
V32 = "deepseek/deepseek-v3.2"  # LiteLLM's key for DeepSeek's own V3.2 (deepseek:deepseek-v3.2)
HAIKU = "claude-haiku-4-5"  # LiteLLM's key for anthropic:claude-haiku-4-5
YESTERDAY = (datetime.now(UTC) - timedelta(days=1)).date()

File = dict[str, Any]


@functools.cache
def _shipped() -> str:
    return litellm_bytes().decode()


def shipped() -> File:
    """A fresh, editable copy of LiteLLM's file as shipped in 1.110.2 (the bundled extract's source)."""
    data: File = json.loads(_shipped())
    return data


def newer() -> File:
    """LiteLLM's file a release later: V3.2 agrees with genai-prices, Claude Haiku 4.5 is retired."""
    data = shipped()
    data[V32] |= {"input_cost_per_token": 2.288e-07, "output_cost_per_token": 3.432e-07}
    data[HAIKU] |= {"deprecation_date": YESTERDAY.isoformat()}
    return data


def body(data: File | list[Any]) -> bytes:
    return json.dumps(data).encode()


@functools.cache
def newer_body() -> bytes:
    return body(newer())


def most_keys_gone(known: set[str]) -> File:
    """The newer file without all but 10 of the `known` LiteLLM keys."""
    gone = sorted(known)[10:]
    return {k: v for k, v in newer().items() if k not in gone}


def providers_renamed() -> File:
    """Every key still there, but under provider names modelcost does not map: it describes nothing."""
    return {k: v | {"litellm_provider": "renamed"} if isinstance(v, dict) else v for k, v in newer().items()}


def facts_dump(engine: Engine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """The stored facts, every offering's lifecycle columns, and how many change sets there are."""
    with db.session_factory(engine)() as s:
        facts = s.execute(
            select(
                CrosscheckFact.provider_id,
                CrosscheckFact.provider_model_id,
                CrosscheckFact.litellm_key,
                CrosscheckFact.input_mtok,
                CrosscheckFact.output_mtok,
                CrosscheckFact.cache_read_mtok,
                CrosscheckFact.max_input_tokens,
                CrosscheckFact.max_output_tokens,
                CrosscheckFact.deprecation_date,
                CrosscheckFact.change_id,
            ).order_by(CrosscheckFact.provider_id, CrosscheckFact.provider_model_id)
        ).all()
        offerings = s.execute(
            select(Offering.id, Offering.retires_on, Offering.max_input_tokens).order_by(Offering.id)
        ).all()
        changes = s.scalar(select(func.count()).select_from(Change)) or 0
    return [tuple(r) for r in facts], [tuple(r) for r in offerings], changes

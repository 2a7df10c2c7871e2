"""Questions about prices and models (compare, a model card, alternatives, list, help, charts),
answered from the read model alone: no database, no SQLAlchemy. bot.ask runs them for every surface; the
CLI also calls `read` directly when the read model kept on disk still holds (a cold `modelcost ask`).
"""

from __future__ import annotations

from typing import assert_never

from bot.catalog.categories import CATEGORIES, OVERALL, Category, find_category
from bot.catalog.compare import compare_models, find_alternatives, list_models, show_model
from bot.catalog.readmodel import ReadModel
from bot.contract import requests
from bot.contract.answers import Answer, HelpAnswer
from bot.contract.errors import QueryError
from bot.contract.requests import CatalogRead

HELP = [
    ("r1 vs o1", "compare 2 to 6 models: prices, ratio and the cost of a default workload"),
    ("r1 vs o1 for 10M in 2M out", "... for your workload (k, M or B tokens; add `30% cached`)"),
    ("o1", "one model: prices at the lab's API, the cheapest hosts, context, licence, quality"),
    ("r1 hosts", "every live host of a model, cheapest first"),
    ("cheaper o1", "open-weights models of comparable quality that cost less, with their cheapest host"),
    (
        "cheaper sonnet for coding",
        "... ranked by a task's LMArena score (add a workload after it: `for 10M in 2M out`)",
    ),
    ("r1 vs o1 for coding", "compare with a task's scores beside the prices (`o1 for math` for one model)"),
    (
        "list open",
        "list models: all curated ones, `open`, a lab (`list anthropic`) or a host (`list groq`); "
        "`list all` adds retired ones",
    ),
    ("history o1", "a model's dated price changes, and who or which feed made each"),
    (
        "chart r1 o1 sonnet",
        "the cost-vs-quality chart of those models (`chart o1`: o1 and its cheaper alternatives)",
    ),
    (
        "subscribe",
        "this channel gets an alert when a price changes (`subscribe o1 r1`, `subscribe above 5%`)",
    ),
    ("unsubscribe", "stop this channel's alerts; `subscriptions` shows what it gets"),
    (
        "set o1 input 15 output 60",
        "admins: correct a price (`set r1 at together input 3 output 7` for a host)",
    ),
    (
        "set sonnet score 1460",
        "admins: the team's own score (`set sonnet coding score 1490`; `unset sonnet score` undoes it)",
    ),
    ("alias team-default gpt-4o", "admins: add a name for a model (`unalias team-default` removes it)"),
    ("sync", "admins: fetch the genai-prices feed now (`sync dry-run` shows what would change)"),
    ("sync status", "the latest feed syncs, scheduled or not, and why any was rejected"),
    (
        "audit",
        "admins: where prices disagree with a second source (LiteLLM), and retired models still listed",
    ),
    ("help", "this help"),
]
HELP_FOOTNOTE = (
    "Prices are USD per 1M tokens, from genai-prices; quality is the LMArena text score. Tasks: "
    + ", ".join(c.name for c in CATEGORIES)
    + ". Family names (claude, gpt, gemini, …) mean the lab's current flagship."
)


def read(catalog: ReadModel, request: CatalogRead) -> Answer:
    """A question about prices and models, answered from the read model alone."""
    match request:
        case requests.HelpRequest():
            return HelpAnswer(commands=HELP, footnote=HELP_FOOTNOTE)
        case requests.ListRequest(filter=f, all=every):
            return list_models(catalog, f, retired=every)
        case requests.ModelRequest(name=name, workload=w, category=c, all_hosts=every):
            return show_model(catalog, name, w, category_named(c), all_hosts=every)
        case requests.CompareRequest(names=names, workload=w, category=c):
            return compare_models(catalog, names, w, category_named(c))
        case requests.AlternativesRequest(name=name, workload=w, category=c, all=every):
            return find_alternatives(catalog, name, w, category_named(c) if c else None, every=every)
        case requests.ChartRequest(names=names, workload=w, category=c):
            ids = [i for n in names for i in catalog.index.resolve_words(n)]
            ids = list(dict.fromkeys(ids))
            if len(ids) > requests.MAX_MODELS:
                raise QueryError(
                    f"I can chart at most {requests.MAX_MODELS} models at once; you gave {len(ids)}."
                )
            if len(ids) == 1:
                return find_alternatives(catalog, ids[0], w, category_named(c) if c else None)
            return compare_models(catalog, ids, w, category_named(c))
        case _:
            assert_never(request)


def category_named(name: str | None) -> Category:
    return (find_category(name) if name else None) or OVERALL

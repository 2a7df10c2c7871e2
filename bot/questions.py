"""Questions about prices and models (compare, a model card, alternatives, list, help, charts),
answered from the read model alone: no database, no SQLAlchemy. bot.ask runs them for every surface; the
CLI also calls `read` directly when the read model kept on disk still holds (a cold `modelcost ask`).
"""

from __future__ import annotations

from typing import assert_never

from bot.catalog.compare import compare_models, find_alternatives, list_models, show_model
from bot.catalog.readmodel import ReadModel
from bot.contract import requests
from bot.contract.answers import Answer, HelpAnswer
from bot.contract.errors import QueryError
from bot.contract.requests import CatalogRead
from bot.domain.categories import OVERALL, Category, find_category
from bot.domain.help import HELP, HELP_FOOTNOTE


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

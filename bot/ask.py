"""Text of a command -> typed answer: parse once, then one catalog call. Used by the CLI and Slack."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.catalog.answers import Answer, HelpAnswer
from bot.catalog.compare import compare_models, find_alternatives, list_models, show_model
from bot import query

HELP = [
    ("r1 vs o1", "compare 2 to 6 models: prices, ratio and the cost of a default workload"),
    ("r1 vs o1 for 10M in 2M out", "... for your workload (k, M or B tokens; add `30% cached`)"),
    ("o1", "one model: prices at the lab's API, the cheapest host, context, licence, quality"),
    ("cheaper o1", "open-weights models of comparable quality that cost less, with their cheapest host"),
    ("list open", "list models: all curated ones, `open`, a lab (`list anthropic`) or a host (`list groq`)"),
    ("help", "this help"),
]
HELP_FOOTNOTE = "Prices are USD per 1M tokens, from genai-prices; quality is the LMArena text score."


def answer(session: Session, text: str) -> Answer:
    """The answer to a command; QueryError, UnknownModelError or NoPriceError when there is none."""
    return answer_request(session, query.parse(text))


def answer_request(session: Session, request: query.Request) -> Answer:
    match request:
        case query.HelpRequest():
            return HelpAnswer(commands=HELP, footnote=HELP_FOOTNOTE)
        case query.ListRequest(filter=f):
            return list_models(session, f)
        case query.ModelRequest(name=name, workload=w):
            return show_model(session, name, w)
        case query.CompareRequest(names=names, workload=w):
            return compare_models(session, names, w)
        case query.AlternativesRequest(name=name, workload=w):
            return find_alternatives(session, name, w)
    raise AssertionError(f"unhandled request {request!r}")

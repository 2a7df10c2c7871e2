"""Request types: every layer asks the type. (That a type without a handler fails the build is `make
lint`'s: mypy at each dispatch's `assert_never`, and .ci/dispatch.py over the real handlers.)"""

from __future__ import annotations

import typing

import pytest

from bot.contract import requests
from bot.domain import query

REQUESTS = typing.get_args(requests.Request)


@pytest.mark.parametrize(
    ("text", "kind", "writes", "admin_only", "cacheable", "needs_channel"),
    [
        ("r1 vs o1", requests.CompareRequest, False, False, True, False),
        ("o1", requests.ModelRequest, False, False, True, False),
        ("cheaper o1", requests.AlternativesRequest, False, False, True, False),
        ("list", requests.ListRequest, False, False, True, False),
        ("help", requests.HelpRequest, False, False, True, False),
        ("history o1", requests.HistoryRequest, False, False, True, False),
        ("chart r1 o1 sonnet", requests.ChartRequest, False, False, True, False),
        ("set o1 output 5", requests.SetPriceRequest, True, True, False, False),
        ("set sonnet coding score 1490", requests.SetScoreRequest, True, True, False, False),
        ("set workload 50M in 5M out, 20% cached", requests.SetWorkloadRequest, True, True, False, False),
        ("alias x o1", requests.AliasRequest, True, True, False, False),
        ("unalias x", requests.UnaliasRequest, True, True, False, False),
        ("subscribe o1", requests.SubscribeRequest, True, False, False, True),
        ("unsubscribe", requests.UnsubscribeRequest, True, False, False, True),
        ("subscribe digest weekly", requests.DigestRequest, True, False, False, True),
        ("alerts digest-only", requests.AlertsModeRequest, True, False, False, True),
        ("subscriptions", requests.SubscriptionsRequest, False, False, False, True),
        ("sync", requests.SyncRequest, True, True, False, False),
        ("sync status", requests.SyncStatusRequest, False, False, False, False),
        ("audit", requests.AuditRequest, False, True, False, False),
        ("reprice --on kimi-k2.6", requests.RepriceRequest, False, False, False, False),
    ],
)
def test_each_request_type_states_what_it_needs(
    text: str, kind: type, writes: bool, admin_only: bool, cacheable: bool, needs_channel: bool
) -> None:
    request = query.parse(text)
    assert type(request) is kind
    assert (request.writes, request.admin_only, request.cacheable, request.needs_channel) == (
        writes,
        admin_only,
        cacheable,
        needs_channel,
    )


def test_the_table_above_covers_the_whole_union() -> None:
    assert len(REQUESTS) == 21  # a new request type: add its row above, then change this count


def test_only_reprice_reads_a_shared_file() -> None:
    """A request that reads a file is a job the worker runs: never answered in the ack, nor cached."""
    assert [r for r in REQUESTS if r.reads_file] == [requests.RepriceRequest]
    assert not any(r.reads_file and r.cacheable for r in REQUESTS)


def test_requests_are_frozen() -> None:
    request = query.parse("r1 vs o1")
    with pytest.raises(Exception, match="frozen"):
        request.names = ["o1"]  # type: ignore[misc]

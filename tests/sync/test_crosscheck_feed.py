"""Syncing the cross-check feed (LiteLLM's price file, mocked with `responses`): the facts replaced whole in
one change set, what the audit and model cards then say, re-syncs that change nothing, dry runs, and
files rejected whole, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import responses
from sqlalchemy import Engine, select

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.actor import Actor
from bot.contract.answers import AuditAnswer, ModelAnswer
from bot.feeds import crosscheck
from bot.read.audit import audit
from bot.render.sync import summary_text
from bot.store.crosscheck import current_facts
from bot.store.syncruns import sync_due
from bot.store.tables import Change, CrosscheckFact, Offering, utcnow
from bot.store.version import catalog_version
from tests.sync.feeds import runs
from tests.sync.litellm_files import (
    HAIKU,
    URL,
    V32,
    YESTERDAY,
    body,
    facts_dump,
    newer_body,
    providers_renamed,
    shipped,
)

V32_OFFERING = "deepseek:deepseek-v3.2"
HAIKU_OFFERING = "anthropic:claude-haiku-4-5"


def _audit(engine: Engine) -> AuditAnswer:
    with db.read_only(engine) as s:
        return audit(s)


def _v32_card(engine: Engine) -> ModelAnswer:
    answer = respond(engine, "deepseek v3.2", Context.cli())
    assert isinstance(answer, ModelAnswer)
    return answer


@pytest.mark.engines
def test_a_newer_file_replaces_the_facts_in_one_change(fresh: Engine, feed: responses.RequestsMock) -> None:
    before = _audit(fresh)
    v32_fields = {d.field for d in before.disagreements if d.offering == V32_OFFERING}
    assert v32_fields == {"input_mtok", "output_mtok", "context_window"}
    assert HAIKU_OFFERING not in {r.offering for r in before.retired}
    assert before.source.endswith("as shipped in litellm 1.110.2 (2026-11)")
    # DeepSeek V3.2's row at DeepSeek is not DeepSeek's price (data/labprices.toml): the card sets it aside,
    # whatever LiteLLM says; the audit still compares it.
    assert [r.host for r in _v32_card(fresh).model.imported] == ["DeepSeek"]
    version = catalog_version(fresh)
    feed.get(URL + "?token=s3cret", body=newer_body(), headers={"ETag": '"l1"'})

    summary = crosscheck.FEED.sync(fresh, URL + "?token=s3cret")

    assert (summary.feed, summary.status, summary.reason) == ("crosscheck", "applied", None)
    assert (summary.changed, summary.added, summary.removed, summary.lifecycle_changed) == (2, 0, 0, 1)
    assert (summary.feed_keys, summary.mapped_keys) == (3536, 132)
    assert {(m.offering, m.field, m.old, m.new) for m in summary.fact_moves} == {
        (V32_OFFERING, "input_mtok", "0.28", "0.2288"),
        (V32_OFFERING, "output_mtok", "0.4", "0.3432"),
        (HAIKU_OFFERING, "deprecation_date", None, YESTERDAY.isoformat()),
    }
    with db.session_factory(fresh)() as s:
        change = s.get_one(Change, summary.change_id)
        assert (change.kind, change.actor) == ("sync", Actor(kind="feed", id=URL))  # no query string
        rows = list(s.scalars(select(CrosscheckFact)))
        assert len(rows) == 132 and {r.change_id for r in rows} == {change.id}
        [v32] = [r for r in rows if r.litellm_key == V32]
        assert (v32.input_mtok, v32.output_mtok, v32.max_input_tokens) == (
            Decimal("0.2288"),
            Decimal("0.3432"),
            163840,
        )
        haiku = s.scalars(
            select(Offering).where(Offering.provider_id == "anthropic", Offering.provider_model_id == HAIKU)
        ).one()
        assert haiku.retires_on == YESTERDAY  # the lifecycle moved in the same change
    [run] = runs(fresh)
    assert (run.feed, run.status, run.change_id, run.etag) == ("crosscheck", "applied", change.id, '"l1"')
    assert catalog_version(fresh) != version  # caches of answers refresh
    after = _audit(fresh)
    assert [d.field for d in after.disagreements if d.offering == V32_OFFERING] == ["context_window"]
    assert HAIKU_OFFERING in {r.offering for r in after.retired}
    assert after.source == f"LiteLLM feed fetched {utcnow():%Y-%m-%d} from {URL}"
    assert [r.host for r in _v32_card(fresh).model.imported] == ["DeepSeek"]  # a decision stands
    text = summary_text(summary)
    for line in (
        f"cross-check sync from {URL}: applied",
        "2 offerings' facts changed, 0 newly described, 0 no longer described, 1 retirement day or input "
        "limit updated (3536 token-priced models in the file, 132 curated offerings described)",
        "What LiteLLM now says (old -> new):",
        f"{V32_OFFERING}      input    $0.28  ->  $0.2288",
        f"{HAIKU_OFFERING}  retires  none   ->  {YESTERDAY.isoformat()}",
    ):
        assert line in text, line
    assert "s3cret" not in text
    dump = facts_dump(fresh)

    again = crosscheck.FEED.sync(fresh, URL + "?token=s3cret")  # the same body

    assert again.status == "unchanged" and facts_dump(fresh) == dump
    feed.replace(responses.GET, URL + "?token=s3cret", body=newer_body() + b"\n")  # same facts
    assert crosscheck.FEED.sync(fresh, URL + "?token=s3cret").status == "unchanged"
    assert facts_dump(fresh) == dump
    assert [r.status for r in runs(fresh)] == ["applied", "unchanged", "unchanged"]


def test_the_first_sync_stores_the_facts_even_where_they_agree_with_the_extract(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    feed.get(URL, body=body(shipped()))  # the very file the bundled extract was made from

    summary = crosscheck.FEED.sync(fresh, URL)

    assert (summary.status, summary.changed, summary.added, summary.lifecycle_changed) == ("applied", 0, 0, 0)
    with db.session_factory(fresh)() as s:
        assert len(list(s.scalars(select(CrosscheckFact)))) == 132
        assert _audit(fresh).source.startswith("LiteLLM feed fetched ")
        assert current_facts(s)[("deepseek", "deepseek-v3.2")].litellm_key == V32


@pytest.mark.engines
def test_a_dry_run_says_what_would_change_and_writes_nothing(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    dump = facts_dump(fresh)
    feed.get(URL, body=newer_body())

    summary = crosscheck.FEED.sync(fresh, URL, dry_run=True)

    assert (summary.status, summary.dry_run, summary.changed, summary.change_id) == ("applied", True, 2, None)
    assert "Would be: 2 offerings' facts changed" in summary_text(summary)
    assert facts_dump(fresh) == dump
    assert [r.status for r in runs(fresh)] == ["dry-run"]
    assert crosscheck.FEED.sync(fresh, URL).status == "applied"  # a dry run is no success to skip from


def test_a_file_that_describes_no_curated_offering_is_rejected_whole(
    fresh: Engine, feed: responses.RequestsMock
) -> None:
    dump = facts_dump(fresh)
    feed.get(URL, body=body(providers_renamed()))

    summary = crosscheck.FEED.sync(fresh, URL)

    assert summary.status == "rejected"
    assert summary.reason and "describes 0 of the catalog's curated offerings" in summary.reason
    assert facts_dump(fresh) == dump
    [run] = runs(fresh)
    assert (run.feed, run.status, run.error) == ("crosscheck", "rejected", summary.reason)


def test_an_unreachable_file_fails_and_is_retried_sooner(fresh: Engine, feed: responses.RequestsMock) -> None:
    feed.get(URL, status=503)

    summary = crosscheck.FEED.sync(fresh, URL)

    assert summary.status == "failed" and "503" in (summary.reason or "")
    assert not sync_due(fresh, timedelta(days=1), feed="crosscheck")  # tried just now
    assert sync_due(fresh, timedelta(days=1), feed="crosscheck", now=utcnow() + timedelta(minutes=16))
    assert sync_due(fresh, timedelta(days=1), feed="prices")  # each feed has its own schedule

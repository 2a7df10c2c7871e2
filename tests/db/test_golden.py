"""Answers don't change by accident: the fixed corpus (tests/golden.py) gets, on a freshly seeded
catalog, exactly the JSON answers recorded in tests/fixtures/golden_answers.json.gz."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from bot import db
from tests.conftest import Databases
from tests.golden import answers, corpus, load_golden, seed_pinned


@pytest.fixture
def pinned_catalog(databases: Databases) -> Iterator[Engine]:
    engine = db.make_engine(databases.empty())
    seed_pinned(engine)
    yield engine
    engine.dispose()


def test_the_corpus_is_the_recorded_one() -> None:
    assert sorted(corpus()) == sorted(load_golden())


def test_answers_match_the_golden_file(pinned_catalog: Engine) -> None:
    golden = load_golden()
    got = answers(pinned_catalog)
    differing = [text for text in corpus() if got[text] != golden[text]]
    assert not differing, (
        f"{len(differing)} answers differ, e.g. {differing[:5]}: {_first_diff(got, golden, differing[0])}"
    )


def _first_diff(got: dict[str, Any], golden: dict[str, Any], text: str) -> str:
    import difflib
    import json

    a = json.dumps(golden[text], indent=1, sort_keys=True).splitlines()
    b = json.dumps(got[text], indent=1, sort_keys=True).splitlines()
    return "\n".join(list(difflib.unified_diff(a, b, "golden", "now", lineterm="", n=2))[:40])

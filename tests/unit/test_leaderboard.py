"""LMArena leaderboard bytes (its dataset's Parquet, or its old JSON file) -> a validated Leaderboard,
or rejected whole with the reason."""

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.feeds.leaderboard import (
    BUNDLED_DATE,
    BUNDLED_FILE,
    MIN_MODELS,
    LeaderboardError,
    Rating,
    licences,
    load_bundled,
    parse_leaderboard,
)
from tests.lmarena import bundled_rows, parquet, published, rate


def entry(rating: float, half: float = 5.0) -> dict[str, float]:
    return {"rating": rating, "rating_q975": rating + half, "rating_q025": rating - half}


def board(n: int = MIN_MODELS, prefix: str = "model") -> dict[str, Any]:
    return {f"{prefix}-{i}": entry(1000 + i) for i in range(n)}


def feed(**categories: Any) -> dict[str, Any]:
    return {"full": board(), "coding": board(), **categories}


def encode(data: Any) -> bytes:
    return json.dumps(data).encode()


def test_a_good_feed_parses_to_typed_ratings() -> None:
    parsed = parse_leaderboard(encode(feed()))
    assert set(parsed.categories) == {"full", "coding"}
    assert parsed.overall["model-3"] == Rating(1003.0, 998.0, 1008.0)
    assert len(parsed.keys()) == MIN_MODELS


def test_only_the_asked_categories_are_kept_and_overall_always() -> None:
    parsed = parse_leaderboard(encode(feed(math=board(), no_tie={"x": "junk"})), categories=["math"])
    assert set(parsed.categories) == {"full", "math"}


def test_other_categories_may_be_missing() -> None:
    assert set(parse_leaderboard(encode({"full": board()}), categories=["coding"]).categories) == {"full"}


def test_the_bundled_board_parses_with_every_guard() -> None:
    parsed = load_bundled()
    assert len(parsed.overall) == 393 and parsed.published == BUNDLED_DATE == date(2026, 8, 19)
    assert parsed.source == "LMArena text"
    opus = parsed.overall["claude-opus-5-high"]
    assert round(opus.rating) == 1505 and opus.q025 < opus.rating < opus.q975
    # The dataset's renamed categories are read under the keys modelcost has always used.
    assert round(parsed.categories["hard_6"]["gpt-5.5"].rating) > 0
    assert {"long_user", "multiturn", "if", "full"} <= set(parsed.categories)
    again = parse_leaderboard(BUNDLED_FILE.read_bytes(), known_keys=parsed.keys(), stored=BUNDLED_DATE)
    assert again == parsed


def test_licences_are_lmarenas_own_words_per_key() -> None:
    found = licences()
    assert len(found) == 393
    assert found["deepseek-v4-pro"] == "MIT" and found["kimi-k2.6"] == "Modified MIT"
    assert found["gemma-4-31b"] == "Apache 2.0" and found["gpt-5.5"] == "Proprietary"


def test_a_board_with_more_columns_than_today_is_fine() -> None:
    rows = bundled_rows()
    for r in rows:
        r["new_column"] = "x"
    assert len(parse_leaderboard(parquet(rows)).overall) == 393


def _without(column: str) -> bytes:
    return parquet(bundled_rows(), drop=[column])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (BUNDLED_FILE.read_bytes()[:-100], "not a whole Parquet file"),
        (BUNDLED_FILE.read_bytes()[:50_000] + b"PAR1", "not a readable Parquet file"),
        (_without("rating_upper"), "no column 'rating_upper'"),
        (_without("leaderboard_publish_date"), "no column 'leaderboard_publish_date'"),
        (_without("license"), "no column 'license'"),
        (parquet(rate(bundled_rows(), "gpt-5.5", 14000)), "rating 14000 is outside 500..2500"),
        (parquet(rate(bundled_rows(), "gpt-5.5", float("nan"))), "rating is nan, not a number"),
        (parquet([r for r in bundled_rows() if r["category"] != "overall"]), "no overall category"),
        (parquet([r for r in bundled_rows() if r["model_name"] < "b"]), "fewer than 50: a partial file"),
        (parquet(bundled_rows() + [bundled_rows()[0]]), "is listed twice"),
        (parquet(bundled_rows()[:10] + published(bundled_rows()[10:], date(2026, 8, 20))), "several publish"),
    ],
)
def test_bad_boards_are_rejected_whole_with_the_reason(body: bytes, message: str) -> None:
    with pytest.raises(LeaderboardError, match=message):
        parse_leaderboard(body)


def test_a_board_older_than_the_one_stored_is_rejected() -> None:
    with pytest.raises(LeaderboardError, match="published 2026-08-19, before the one stored .2026-09-01."):
        parse_leaderboard(BUNDLED_FILE.read_bytes(), stored=date(2026, 9, 1))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not valid JSON"),
        (b"<html>502 Bad Gateway</html>", "not valid JSON"),
        (encode(feed())[:-40], "truncated"),
        (encode(feed())[:-3], "truncated"),
        (b"\xff\xfe{}", "not UTF-8"),
        (encode([feed()]), "JSON array, not an object of categories"),
        (encode({"coding": board()}), "no overall category"),
        (encode(feed(coding=[1, 2])), "'coding' is a JSON array"),
        (encode({"full": {**board(), "m": 1400}}), "'m' in 'full' is a JSON number"),
        (encode({"full": {**board(), "m": {"rating": 1400}}}), "has no rating_q025"),
        (encode({"full": {**board(), "m": {**entry(1400), "rating": "1400"}}}), "rating is '1400'"),
        (encode({"full": {**board(), "m": {**entry(1400), "rating": True}}}), "rating is True"),
        (b'{"full": {"m": {"rating": NaN, "rating_q025": 1, "rating_q975": 2}}}', "NaN"),
        (encode({"full": {**board(), "m": entry(14000)}}), "rating 14000 is outside 500..2500"),
        (encode({"full": {**board(), "m": entry(1.4)}}), "outside 500..2500"),
        (encode({"full": {**board(), "m": entry(2497)}}), "rating_q975 2502 is outside"),
        (encode({"full": {**board(), "m": entry(1400, half=-5)}}), "does not hold the rating"),
        (encode({"full": {**board(), "m": {**entry(1400), "rating_q975": 1399}}}), "does not hold"),
        (encode({"full": {**board(), "": entry(1400)}}), "empty or too long"),
        (encode({"full": board(MIN_MODELS - 1)}), f"has {MIN_MODELS - 1} models, fewer than {MIN_MODELS}"),
    ],
)
def test_bad_json_files_are_rejected_whole_with_the_reason(body: bytes, message: str) -> None:
    with pytest.raises(LeaderboardError, match=message):
        parse_leaderboard(body)


def test_a_feed_that_drops_most_known_models_is_rejected() -> None:
    known = set(board(100))
    renamed = {"full": board(100, prefix="other")}
    with pytest.raises(LeaderboardError, match=r"drops 100 of the 100 models known before .*model-0"):
        parse_leaderboard(encode(renamed), known_keys=known)


def test_a_feed_that_drops_a_few_known_models_is_fine() -> None:
    known = set(board(100)) | {f"retired-{i}" for i in range(40)}
    assert len(parse_leaderboard(encode({"full": board(100)}), known_keys=known).overall) == 100


def test_lmarenas_old_json_file_still_parses_undated() -> None:
    """The arena-catalog file the catalog was seeded from until 2026 (tests/fixtures/, its 20 categories)."""
    fixture = Path(__file__).parents[1] / "fixtures" / "lmarena_leaderboard_text_2025-12-11.json.gz"
    parsed = parse_leaderboard(gzip.decompress(fixture.read_bytes()))
    assert parsed.published is None and parsed.licences == {}
    assert len(parsed.overall) == 282 and round(parsed.overall["o1-2024-12-17"].rating) == 1366

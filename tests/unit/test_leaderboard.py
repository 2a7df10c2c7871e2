"""LMArena leaderboard bytes -> a validated Leaderboard, or rejected whole with the reason."""

import json
from typing import Any

import pytest

from bot.feeds.leaderboard import (
    BUNDLED_FILE,
    MIN_MODELS,
    LeaderboardError,
    Rating,
    load_bundled,
    parse_leaderboard,
)


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


def test_the_bundled_snapshot_parses_with_every_guard() -> None:
    parsed = load_bundled()
    assert len(parsed.overall) == 282
    opus = parsed.overall["claude-opus-4-5-20251101"]
    assert round(opus.rating) == 1446 and opus.q025 < opus.rating < opus.q975
    again = parse_leaderboard(BUNDLED_FILE.read_bytes(), known_keys=parsed.keys())
    assert again == parsed


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
def test_bad_feeds_are_rejected_whole_with_the_reason(body: bytes, message: str) -> None:
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

"""Usage exports read (bot.domain.usage): each format detected from its columns, each file's totals equal
to the sums worked out by hand from tests/fixtures/usage (README there names each format's page), each
format's convention kept (OpenAI's input_tokens include the cached ones; Anthropic's uncached input
excludes cache reads and writes), and malformed files refused with a message that says why."""

from __future__ import annotations

import itertools
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.contract.errors import UsageFileError
from bot.domain.usage import Totals, read_usage

FIXTURES = Path(__file__).parent.parent / "fixtures" / "usage"


def read(name: str) -> dict[tuple[str, str], Totals]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as f:
        return dict(read_usage(f).totals)


def fmt(name: str) -> str:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as f:
        return read_usage(f).format.name


@pytest.mark.parametrize(
    ("name", "format"),
    [
        ("openai.csv", "openai"),
        ("anthropic.csv", "anthropic"),
        ("litellm.csv", "litellm"),
        ("openrouter.csv", "openrouter"),
        ("plain.csv", "plain"),
    ],
)
def test_each_format_is_detected_from_its_columns(name: str, format: str) -> None:
    assert fmt(name) == format


def test_openai_input_includes_the_cached_tokens_and_batch_is_its_own_tier() -> None:
    t = read("openai.csv")
    standard = t[("gpt-5.5", "standard")]
    # 12M + 8M input, of which 4M + 2M cached (input_tokens INCLUDE input_cached_tokens: not added)
    assert (standard.input, standard.cached, standard.output, standard.requests) == (
        20_000_000,
        6_000_000,
        1_500_000,
        5_000,
    )
    batch = t[("gpt-5.5", "batch")]
    assert (batch.input, batch.output, batch.requests) == (20_000_000, 1_000_000, 400)
    assert t[("ft:gpt-4o-mini:acme::abc123", "standard")].input == 1_000_000
    assert standard.billed is None  # OpenAI's usage carries no cost


def test_anthropic_uncached_input_excludes_cache_reads_and_writes() -> None:
    t = read("anthropic.csv")
    standard = t[("claude-opus-4-5-20251101", "standard")]
    # uncached 4M + 1M, plus 2M 5-minute and 1M 1-hour writes, plus 3M + 1M reads: 12M of input
    assert (standard.input, standard.cached, standard.writes_5m, standard.writes_1h, standard.output) == (
        12_000_000,
        4_000_000,
        2_000_000,
        1_000_000,
        2_500_000,
    )
    batch = t[("claude-opus-4-5-20251101", "batch")]
    assert (batch.input, batch.output) == (2_000_000, 1_000_000)


def test_litellm_spend_is_what_was_billed_and_each_row_a_request() -> None:
    t = read("litellm.csv")
    gpt = t[("gpt-5.5", "standard")]
    assert (gpt.input, gpt.output, gpt.requests, gpt.billed) == (7_000, 1_500, 2, D("0.0550"))


def test_openrouter_usage_is_billed_and_completion_includes_reasoning() -> None:
    t = read("openrouter.csv")
    gpt = t[("openai/gpt-5.5", "standard")]
    assert (gpt.input, gpt.output, gpt.requests, gpt.billed) == (3_000_000, 1_500_000, 180, D("23.00"))


def test_plain_csv_counts_cached_and_writes_inside_input() -> None:
    t = read("plain.csv")
    opus = t[("claude opus 4.5", "standard")]
    assert (opus.input, opus.cached, opus.writes_5m, opus.output) == (
        10_000_000,
        3_000_000,
        2_000_000,
        2_000_000,
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "The file is empty"),
        ("input_tokens,output_tokens\n1,2\n", "no `model` column"),
        ("model,foo,bar\nx,1,2\n", "don't recognise these columns"),
        ("model,input_tokens,output_tokens\n", "no rows of usage"),
        ("model,input_tokens,output_tokens\ngpt-5.5,-5,2\n", "Line 2: input_tokens is negative"),
        ("model,input_tokens,output_tokens\ngpt-5.5,lots,2\n", "Line 2: input_tokens is 'lots'"),
        ("model,input_tokens,output_tokens\ngpt-5.5,1.5,2\n", "not a whole number"),
        ("model,input_tokens,output_tokens\ngpt-5.5,NaN,2\n", "Line 2: input_tokens is NaN, not a number"),
        ("model,input_tokens,output_tokens\ngpt-5.5,-Infinity,2\n", "is -Infinity, not a number"),
        ('model,input_tokens,output_tokens\n"gpt-5.5,1,2\n' + "x" * 200_000, "not a CSV I can read"),
        ("model,input_tokens,output_tokens\n,1,2\n", "Line 2: the model is empty"),
        ("model,input_tokens,output_tokens,cached_tokens\ngpt-5.5,1,2,5\n", "more than input_tokens"),
        (
            "model,input_tokens,output_tokens,input_cached_tokens,num_model_requests,batch\nm,1,2,9,1,false\n",
            "input_cached_tokens (9) is more than input_tokens (1)",
        ),
        (
            "model,uncached_input_tokens,output_tokens,service_tier\nm,1,2,turbo\n",
            "service_tier is 'turbo'",
        ),
    ],
)
def test_malformed_files_get_a_clear_message(text: str, says: str) -> None:
    with pytest.raises(UsageFileError, match=says.replace("(", r"\(").replace(")", r"\)")):
        read_usage(text.splitlines(keepends=True))


def test_rows_are_read_one_by_one_not_held() -> None:
    """A generator of rows is consumed as it comes: the sums hold per model and tier, not per row."""
    rows = (f"gpt-5.5,{n},1\n" for n in range(10_000))
    usage = read_usage(itertools.chain(["model,input_tokens,output_tokens\n"], rows))
    assert usage.rows == 10_000
    assert usage.totals[("gpt-5.5", "standard")].input == sum(range(10_000))
    assert len(usage.totals) == 1

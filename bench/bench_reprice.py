"""`modelcost reprice` on a generated 100,000-row usage export: rows per second read and summed, the
whole command's time (reading, pricing on the seeded catalog, rendering), and peak memory, against the
baseline of the same run: Python's csv reader merely iterating the same file.

Then the Slack path of `/modelcost reprice` (issue 29): the ack's work (one job row written), and the
worker's job: the file found with files.list and downloaded from a fake Slack on loopback, streamed,
summed, priced and rendered, the answer posted to the response_url, the row deleted; with its peak
memory.

    .venv/bin/python bench/bench_reprice.py [--rows N] [--runs R]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text as db_text  # noqa: E402

from bot import db  # noqa: E402
from bot.alerts.reprice import RepriceRunner  # noqa: E402
from bot.cli import main  # noqa: E402
from bot.domain.usage import read_usage  # noqa: E402
from bot.domain.workspaces import SHARED  # noqa: E402
from bot.store.reprice_jobs import JobQueue, JobSpec  # noqa: E402
from tests.fakeslack import RESPONSE, FakeSlack  # noqa: E402

MODELS = ["gpt-5.5", "gpt-5-mini", "claude-opus-4-5-20251101", "o3", "gemini-2.5-pro", "ft:gpt-4o:acme::x1"]


def generate(path: Path, rows: int) -> None:
    """An OpenAI usage export: a bucket per row, a few models, batch and not."""
    rnd = random.Random(29)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["start_time", "end_time", "project_id", "model", "batch", "input_tokens",
                    "input_cached_tokens", "output_tokens", "num_model_requests"])  # fmt: skip
        for n in range(rows):
            inp = rnd.randrange(1_000, 5_000_000)
            w.writerow([1764547200 + 60 * n, 1764547260 + 60 * n, f"proj_{n % 7}", rnd.choice(MODELS),
                        rnd.random() < 0.2, inp, rnd.randrange(0, inp), rnd.randrange(0, 500_000),
                        rnd.randrange(1, 200)])  # fmt: skip


def timed(fn: object, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main_bench() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "usage.csv"
        generate(path, args.rows)
        size = path.stat().st_size

        def iterate() -> None:
            with path.open(newline="", encoding="utf-8") as f:
                for _ in csv.reader(f):
                    pass

        def summed() -> None:
            with path.open(newline="", encoding="utf-8") as f:
                read_usage(f)

        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/catalog.db"
        os.environ["MODELCOST_CACHE_DIR"] = f"{tmp}/cache"

        def command() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["reprice", str(path), "--on", "deepseek-v4-pro,kimi-k2.6"]) == 0

        command()  # seeds the catalog and warms the read model kept on disk
        base, read, whole = timed(iterate, args.runs), timed(summed, args.runs), timed(command, args.runs)
        tracemalloc.start()
        summed()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        ack, job, job_peak = slack_job(path, os.environ["DATABASE_URL"], args.runs, args.rows)
    print(f"{args.rows:,} rows, {size / 1024 / 1024:.1f} MB file; best of {args.runs}")
    print(f"csv reader alone:     {base:.3f} s  ({args.rows / base:,.0f} rows/s)")
    print(
        f"read and summed:      {read:.3f} s  ({args.rows / read:,.0f} rows/s, "
        f"{read / base:.2f}x the csv reader)"
    )
    print(f"whole command:        {whole:.3f} s  ({args.rows / whole:,.0f} rows/s, {whole / base:.2f}x)")
    print(f"peak memory reading:  {peak / 1024:.0f} KiB (tracemalloc), against a {size / 1024:.0f} KiB file")
    print(f"Slack, the ack's work (a job row written): {ack * 1000:.1f} ms")
    print(
        f"Slack, the worker's job (list, download, read, price, post): {job:.3f} s "
        f"({args.rows / job:,.0f} rows/s, {job / base:.2f}x the csv reader)"
    )
    print(f"Slack, peak memory of the job: {job_peak / 1024:.0f} KiB (tracemalloc)")
    print(f"load average at end: {os.getloadavg()}")


def slack_job(path: Path, database_url: str, runs: int, rows: int) -> tuple[float, float, int]:
    """(the ack's write of a job row, the worker's whole job, the job's peak memory): the file served
    by a fake Slack on loopback, the job run by the runner `modelcost worker` starts."""
    engine = db.engine_for(database_url)
    jobs = JobQueue(engine)
    with FakeSlack() as fake:
        fake.serve_file("usage.csv", path.read_bytes(), token="xoxb-bench")
        runner = RepriceRunner(engine, jobs, fake.api_url, lambda workspace: "xoxb-bench")

        def queue() -> None:
            spec = JobSpec(
                workspace=SHARED,
                user_id="U0ALICE",
                channel_id="C0GENERAL",
                file_id=None,
                on=("deepseek-v4-pro", "kimi-k2.6"),
                response_url=fake.response_url(),
            )
            jobs.queue(spec)

        def job() -> None:
            queue()
            assert runner.run_once() == 1

        job()  # the catalog's snapshot built
        [answer] = fake.calls(RESPONSE)
        assert answer.body["text"].startswith("OpenAI usage export re-priced")
        assert f"{rows:,} rows" in json.dumps(answer.body)  # every row read
        writes = timed(queue, 20)
        with db.transaction(engine) as session:  # the rows the ack's timing wrote
            session.execute(db_text("DELETE FROM reprice_jobs"))
        whole = timed(job, runs)
        tracemalloc.start()
        job()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return writes, whole, peak


if __name__ == "__main__":
    sys.exit(main_bench())

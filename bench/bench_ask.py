"""Benchmark: a cold `modelcost ask "r1 vs o1"` (whole process) and name resolution per call.

Baselines in the same run: a bare `python -c pass` process, and a dict lookup per call.
Usage: python bench/bench_ask.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed_process(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        ask = [str(BIN / "modelcost"), "ask", "r1 vs o1"]
        first = timed_process(ask, env, 1)[0]  # migrates and seeds an empty database
        bare = timed_process([sys.executable, "-c", "pass"], env, args.runs)
        cold = timed_process(ask, env, args.runs)
        print(f"first run on an empty database (migrate + seed + answer): {first * 1000:.0f} ms")
        print(f"bare python process:        median {statistics.median(bare) * 1000:.0f} ms")
        print(
            f"cold `modelcost ask`:       median {statistics.median(cold) * 1000:.0f} ms "
            f"(p90 {sorted(cold)[int(len(cold) * 0.9) - 1] * 1000:.0f} ms), "
            f"{statistics.median(cold) / statistics.median(bare):.1f}x the bare process"
        )

        from bot import db
        from bot.catalog.lookup import name_index

        engine = db.engine_for(env["DATABASE_URL"])
        with db.session_factory(engine)() as session:
            index = name_index(session)
        names = list(index.aliases) + list(index.ids)
        names = [n.upper() for n in names]  # make every call do the normalising work
        plain = {n: n for n in names}
        reps = 20
        start = time.perf_counter()
        for _ in range(reps):
            for n in names:
                index.resolve(n)
        per_call = (time.perf_counter() - start) / (reps * len(names))
        start = time.perf_counter()
        for _ in range(reps):
            for n in names:
                plain.get(n)
        per_dict = (time.perf_counter() - start) / (reps * len(names))
        misses = ["deepsek r1", "gpt-9000", "o5", "llama 3.3 70", "claude sonet"]
        start = time.perf_counter()
        for _ in range(reps):
            for n in misses:
                try:
                    index.resolve(n)
                except LookupError:
                    pass
        per_miss = (time.perf_counter() - start) / (reps * len(misses))
        print(
            f"name resolution over {len(names)} aliases and ids: {per_call * 1e6:.1f} µs per call "
            f"({per_call / per_dict:.0f}x a bare dict lookup of {per_dict * 1e9:.0f} ns)"
        )
        print(f"unknown name with fuzzy suggestions: {per_miss * 1e6:.0f} µs per call")


if __name__ == "__main__":
    main()

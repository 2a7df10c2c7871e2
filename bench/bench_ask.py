"""Benchmark: a cold `modelcost ask "r1 vs o1"` (whole process) and name resolution per call.

Baselines in the same run: a bare `python -c pass` process, the bare import of the stack `ask`
stands on (`import sqlalchemy.orm, pydantic, rapidfuzz`), and a dict lookup per call. The processes
are run in turn (bare, stack, ask, bare, ...) so that drift in the machine's load hits all alike.
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


STACK = "import sqlalchemy.orm, pydantic, rapidfuzz"


def timed_process(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def interleaved(cmds: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name] += timed_process(cmd, env, 1)
    return times


def p90(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.9) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # As installed: bytecode caches written and used (a dev shell may set PYTHONDONTWRITEBYTECODE,
        # which would compile the project's modules from source on every run, and only those), and
        # the read model kept on disk in this run's own directory.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "MODELCOST_CACHE_DIR": f"{tmp}/cache"}
        ask = [str(BIN / "modelcost"), "ask", "r1 vs o1"]
        print(f"load average at start: {os.getloadavg()[0]:.2f}")
        first = timed_process(ask, env, 1)[0]  # migrates and seeds an empty database
        timed_process(ask, env, 2)  # warm the OS's file cache (and any snapshot kept on disk)
        times = interleaved(
            {"bare": [sys.executable, "-c", "pass"], "stack": [sys.executable, "-c", STACK], "ask": ask},
            env,
            args.runs,
        )
        bare, stack, cold = (statistics.median(times[k]) for k in ("bare", "stack", "ask"))
        print(f"first run on an empty database (migrate + seed + answer): {first * 1000:.0f} ms")
        print(f"bare python process:        median {bare * 1000:.0f} ms")
        print(f"bare stack import:          median {stack * 1000:.0f} ms  (python -c '{STACK}')")
        print(
            f"cold `modelcost ask`:       median {cold * 1000:.0f} ms "
            f"(p90 {p90(times['ask']) * 1000:.0f} ms), "
            f"{cold / stack:.2f}x the bare stack import, {cold / bare:.1f}x the bare process "
            "(aim: within 1.3x of the stack)"
        )

        from bot import db
        from bot.store.names import name_index

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
        print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

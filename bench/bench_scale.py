"""Benchmark (issue 30): N installed workspaces in PostgreSQL, 10% of them with rows of their own (a price,
a name and a team score each), as a worker of the Slack app sees them.

Per N, from one seeded catalog copied into two databases, *plain* (N workspaces, none with rows of its
own) and *own* (the same, 10% with their own rows); every installed workspace has a channel subscribed
to every model. Each measure runs in a fresh process (a worker's memory, nothing kept from another):

  questions  the read questions of tests/golden.py, asked in turn in a workspace with its own rows, one
             without, and in single mode (the shared catalog), watched as the app watches it: p50/p99
             ratios; and the first question after a shared change in each (no workspace view is built)
  sync       a prices feed sync (the bundled snapshot, 5% of prices moved: `feed_sync`) while every workspace
             with rows of its own has asked a question (in *plain*, as many without): the sync, the
             worker's new shared snapshot, and one question again in each; time and the worker's memory
             (RSS growth), *own* against *plain*
  memory     a worker's RSS once ready with no workspace installed and with N installed (idle); and what
             each active workspace with rows of its own adds (tracemalloc, over up to 200 of them)

All figures are ratios against a baseline measured in the same run (bench/README.md). PostgreSQL only
(MODELCOST_TEST_POSTGRES_URL, as the tests use it); without it, the bench says so and stops.
Sections for other parts of issue 30 (the oauth authorization cache's p50, the alerts' fan-out) are
their own benches' (see bench/README.md); `install` leaves their rows to them.

Usage: python bench/bench_scale.py [--workspaces N [N ...]] [--rounds R]
       (default: 1000; `--workspaces 1000 10000` for the issue's figures, `--workspaces 100` for a quick run)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
POSTGRES_URL = os.environ.get("MODELCOST_TEST_POSTGRES_URL", "")
OWN_SHARE = 10  # one workspace in OWN_SHARE has rows of its own
AIMS = {"p50": 1.2, "p99": 1.2, "sync": 1.5}
MEMORY_SAMPLE = 200


def workspace(i: int) -> str:
    return f"T{i:06d}"


def owns(i: int) -> bool:
    return i % OWN_SHARE == 0


# --- setup (this process) -------------------------------------------------------------------------


def admin_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def create_database(name: str, template: str | None = None) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    engine.dispose()
    return admin_url(name)


def drop_database(name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def seed(url: str) -> None:
    from bot import db
    from bot.feeds.seed import ensure_catalog

    engine = db.make_engine(url)
    ensure_catalog(engine)
    engine.dispose()


def install(url: str, n: int, *, own_rows: bool) -> None:
    """N installations (a bot row each, as slack_sdk's store keeps them; tokens are placeholders that
    no measure here reads), one channel of each subscribed to every model, and for every tenth
    workspace when `own_rows`: its price of a popular model's lab offering, a name, a team score."""
    from sqlalchemy import insert, select

    from bot import db
    from bot.contract.actor import Actor
    from bot.domain.prices import PriceData
    from bot.store.prices import current_prices, new_change, record_price
    from bot.store.scores import current_scores
    from bot.store.tables import SLACK_BOTS, Alias, Model, Offering, Score, Subscription

    engine = db.make_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with db.transaction(engine) as session:
        session.execute(
            insert(SLACK_BOTS),
            [
                {
                    "client_id": "bench",
                    "app_id": "ABENCH",
                    "team_id": workspace(i),
                    "team_name": f"Bench {i}",
                    "bot_token": f"xoxb-bench-{i}",
                    "bot_id": "BBENCH",
                    "bot_user_id": "UBENCHBOT",
                    "bot_scopes": "commands,chat:write",
                    "is_enterprise_install": False,
                    "installed_at": now,
                }
                for i in range(n)
            ],
        )
        session.add_all(
            Subscription(workspace=workspace(i), channel_id="CBENCH", created_by="UBENCH") for i in range(n)
        )
        if own_rows:
            labs = session.execute(
                select(Offering, Model.id)
                .join(Model, Offering.model_id == Model.id)
                .where(Offering.provider_id == Model.lab_provider_id, Offering.retired_at.is_(None))
                .order_by(Offering.id)
            ).all()
            prices = current_prices(session, [o.id for o, _ in labs])
            asked = ("o1", "gpt-4o", "deepseek-r1", "llama-3.3-70b")  # models the questions name, first
            priced = sorted(
                [(o, m, prices[o.id]) for o, m in labs if o.id in prices and prices[o.id].output_mtok],
                key=lambda p: asked.index(p[1]) if p[1] in asked else len(asked),
            )[:50]
            scores = {m: q.score for m, q in current_scores(session).items()}
            for i in range(0, n, OWN_SHARE):
                offering, model_id, row = priced[(i // OWN_SHARE) % len(priced)]
                change = new_change(session, "admin", Actor(kind="admin", id="UBENCHADMIN"), workspace(i))
                assert row.input_mtok is not None and row.output_mtok is not None
                # Rows that change the answers a little, not the work: 2% off the input price, and a team
                # score within a few points of the source's (the same alternatives, give or take one).
                record_price(
                    session, offering, PriceData(row.input_mtok * Decimal("0.98"), row.output_mtok), change
                )
                session.add(
                    Alias(name="house-model", model_id=model_id, source="admin", workspace=workspace(i))
                )
                session.add(
                    Score(
                        model_id=model_id,
                        category="overall",
                        variant="",
                        origin="team",
                        source="team",
                        score=scores.get(model_id, 1300) + i % 5 - 2,
                        as_of=now.date(),
                        change_id=change.id,
                        recorded_at=change.created_at,
                        workspace=workspace(i),
                    )
                )
    engine.dispose()


# --- measures (a fresh process each) --------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def corpus() -> list[str]:
    from bot.contract.errors import UserError
    from bot.contract.requests import CatalogRead
    from bot.domain import query
    from tests.golden import corpus as golden

    out = []
    for text in golden():
        try:
            if isinstance(query.parse(text), CatalogRead):
                out.append(text)
        except UserError:
            pass
    return out


def ask(engine: Any, text: str, where: str) -> None:
    from bot.commands.ask import Context, respond
    from bot.contract.errors import UserError

    try:
        respond(engine, text, Context.slack("UBENCH", "CBENCH", lambda _: False, workspace=where))
    except UserError:
        pass  # an answer too: the user's message


def read(model: Any, request: Any) -> None:
    from bot.contract.errors import UserError
    from bot.read import questions

    try:
        questions.read(model, request)
    except UserError:
        pass


def measure_questions(url: str, n: int, rounds: int) -> dict[str, Any]:
    from bot import db
    from bot.commands.ask import Context, respond
    from bot.contract.requests import CatalogRead
    from bot.domain import query
    from bot.domain.workspaces import SHARED
    from bot.read import current
    from bot.read.builder import build

    engine = db.make_engine(url)
    current.watch(engine)
    texts = corpus()
    places = {"own": workspace(0), "plain": workspace(1), "single": SHARED}
    for where in places.values():
        for text in texts:
            ask(engine, text, where)  # warm: each view's first answers fill what it keeps per snapshot
    times: dict[str, list[float]] = {k: [] for k in places}
    order = list(places.items())
    for r in range(rounds):
        for i, text in enumerate(texts):
            k = (r + i) % 3  # each goes first in turn, a third of the questions of every round
            for name, where in order[k:] + order[:k]:
                start = time.perf_counter()
                ask(engine, text, where)
                times[name].append(time.perf_counter() - start)
    # The read alone, from the workspace's layered view and from the same view built whole (the old
    # path): the same answers, so the same work but for what layering costs a lookup.
    layered = current.current(engine, places["own"])
    with db.read_only(engine) as session:
        built = build(session, layered.on, places["own"])
    requests = [req for t in texts if isinstance(req := query.parse(t), CatalogRead)]
    reads: dict[str, list[float]] = {"layered": [], "whole": []}
    for model in (layered, built):
        for request in requests:
            read(model, request)
    for r in range(rounds):
        for i, request in enumerate(requests):
            for name, model in (("layered", layered), ("whole", built))[:: 1 if (r + i) % 2 else -1]:
                start = time.perf_counter()
                read(model, request)
                reads[name].append(time.perf_counter() - start)
    # The first question after a shared change (as a feed sync makes), once the worker holds the new
    # snapshot: the workspace with rows of its own lays them over it; no view is built.
    first: dict[str, list[float]] = {"own": [], "plain": []}
    for k in range(5):
        respond(engine, f"set o1 input {15 + k + 1}", Context.cli())
        current.current(engine)
        for name in ("own", "plain")[:: 1 if k % 2 else -1]:  # each goes first in turn
            start = time.perf_counter()
            ask(engine, "cheaper o1", places[name])
            first[name].append(time.perf_counter() - start)
    builds = current.builds(engine)
    current.unwatch(engine)
    return {
        "n": n,
        "questions": len(texts) * rounds,
        "p50": {k: statistics.median(v) for k, v in times.items()},
        "p99": {k: sorted(v)[int(len(v) * 0.99)] for k, v in times.items()},
        "first": {k: statistics.median(v) for k, v in first.items()},
        "read_p50": {k: statistics.median(v) for k, v in reads.items()},
        "read_p99": {k: sorted(v)[int(len(v) * 0.99)] for k, v in reads.items()},
        "builds": builds,
    }


def feed_sync(engine: Any) -> Any:
    """A prices feed sync of the bundled genai-prices snapshot (what the catalog was seeded from) with one
    offering's price in 20 moved by 10%: guarded, diffed, written as one change set with its alerts
    queued, as bot.feeds.prices applies a fetched one (its fetch and decoding are bench_sync.py's)."""
    from dataclasses import replace

    from bot import db
    from bot.feeds import prices
    from bot.feeds.attempt import Fresh
    from bot.feeds.genai_prices import from_snapshot
    from bot.feeds.price_guards import check_feed

    offerings = from_snapshot()
    moved = [
        replace(o, price=replace(o.price, input_mtok=o.price.input_mtok * Decimal("1.1")))
        if i % 20 == 0 and o.price.input_mtok
        else o
        for i, o in enumerate(offerings)
    ]
    fresh = Fresh(
        engine, "prices", "https://bench.invalid/prices.json", False, b"", None, None, datetime.now(UTC)
    )
    with db.transaction(engine) as tx:
        verdict = check_feed(tx, moved)
        assert not verdict.reasons, verdict.reasons
        return prices.apply(tx, fresh, prices.Judged(len(moved), verdict))


def measure_sync_writer(url: str) -> dict[str, Any]:
    """The sync, in a process of its own as the alerts worker runs it: its time and peak memory."""
    import resource

    from bot import db

    engine = db.make_engine(url)
    start = time.perf_counter()
    summary = feed_sync(engine)
    return {
        "status": summary.status,
        "changed": summary.changed + summary.added,
        "alerts": summary.alerts_queued,
        "sync_s": time.perf_counter() - start,
        "sync_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_sync(url: str, n: int, own_rows: bool) -> dict[str, Any]:
    """A web worker through a sync: every workspace with rows of its own (in *plain*, as many without)
    has asked; the sync runs in another process; then the worker's new snapshot and one question again
    in each of them: the time and the memory that takes."""
    import gc

    from bot import db
    from bot.domain.workspaces import SHARED
    from bot.read import current
    from bot.read.builder import build

    engine = db.make_engine(url)
    current.watch(engine)
    active = [workspace(i) for i in range(n) if owns(i)]
    for where in [SHARED, *active]:
        ask(engine, "cheaper o1", where)
    gc.collect()
    ready = rss_mb()
    current.unwatch(engine)  # the new snapshot is built below, timed, rather than by the watcher
    out = run_child("syncwrite", url, n)
    start = time.perf_counter()
    current.changed(engine)
    current.current(engine)
    out["snapshot_s"] = time.perf_counter() - start
    current.watch(engine)  # as the app: questions answered from memory (the snapshot is current: no build)
    start = time.perf_counter()
    for where in active:
        ask(engine, "cheaper o1", where)
    out["questions_s"] = time.perf_counter() - start
    gc.collect()
    out |= {
        "grew_mb": rss_mb() - ready,
        "ready_mb": ready,
        "builds": current.builds(engine),
        "active": len(active),
    }
    if own_rows:
        with db.read_only(engine) as session:  # what each view cost before: built whole (the old path)
            start = time.perf_counter()
            build(session, current.current(engine).on, active[0])
            out["whole_view_s"] = time.perf_counter() - start
    current.unwatch(engine)
    return out


def measure_memory(url: str, n: int) -> dict[str, Any]:
    import gc
    import tracemalloc

    from bot import db
    from bot.domain.workspaces import SHARED
    from bot.read import current

    engine = db.make_engine(url)
    current.watch(engine)
    for where in (SHARED, workspace(1) if n > 1 else SHARED):
        ask(engine, "cheaper o1", where)
        ask(engine, "r1 vs o1", where)
    gc.collect()
    ready = rss_mb()
    owning = [workspace(i) for i in range(n) if owns(i)][:MEMORY_SAMPLE]
    per_view = None
    if owning:
        tracemalloc.start()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for where in owning:
            ask(engine, "cheaper o1", where)
            ask(engine, "r1 vs o1", where)
        gc.collect()
        per_view = (tracemalloc.get_traced_memory()[0] - before) / len(owning) / 1024
        tracemalloc.stop()
    current.unwatch(engine)
    return {"ready_mb": ready, "per_active_kb": per_view, "active": len(owning)}


def child(args: list[str]) -> None:
    kind, url, n = args[0], args[1], int(args[2])
    if kind == "questions":
        out = measure_questions(url, n, int(args[3]))
    elif kind == "sync":
        out = measure_sync(url, n, args[3] == "own")
    elif kind == "syncwrite":
        out = measure_sync_writer(url)
    else:
        out = measure_memory(url, n)
    print(json.dumps(out))


def run_child(*args: object) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- report ---------------------------------------------------------------------------------------


def verdict(ratio: float, aim: float) -> str:
    return "ok" if ratio <= aim else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspaces", type=int, nargs="+", default=[1000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if not POSTGRES_URL:
        print("bench_scale: PostgreSQL only; set MODELCOST_TEST_POSTGRES_URL (skipped)")
        return
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    tag = uuid.uuid4().hex[:8]
    names = [f"scale_base_{tag}"]
    try:
        base = create_database(names[0])
        started = time.perf_counter()
        seed(base)
        print(f"seeded catalog: {time.perf_counter() - started:.1f} s")
        empty = run_child("memory", base, 0)
        for n in args.workspaces:
            plain_name, own_name = f"scale_plain_{n}_{tag}", f"scale_own_{n}_{tag}"
            names += [plain_name, own_name]
            started = time.perf_counter()
            plain = create_database(plain_name, names[0])
            own = create_database(own_name, names[0])
            install(plain, n, own_rows=False)
            install(own, n, own_rows=True)
            print(
                f"\nN = {n:,} workspaces ({n // OWN_SHARE:,} with rows of their own): installed in "
                f"{time.perf_counter() - started:.1f} s"
            )
            q = run_child("questions", own, n, args.rounds)
            s_plain = run_child("sync", plain, n, "plain")
            s_own = run_child("sync", own, n, "own")
            m = run_child("memory", own, n)
            report(n, q, s_plain, s_own, empty, m)
    finally:
        for name in names:
            drop_database(name)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


def report(
    n: int,
    q: dict[str, Any],
    s_plain: dict[str, Any],
    s_own: dict[str, Any],
    empty: dict[str, Any],
    m: dict[str, Any],
) -> None:
    p50, p99, first = q["p50"], q["p99"], q["first"]
    print(f"questions: {q['questions']} each, watched (as the app); builds {q['builds']}")
    print(
        "  p50: own rows {:.0f} µs, none {:.0f} µs, single mode {:.0f} µs".format(
            *(p50[k] * 1e6 for k in ("own", "plain", "single"))
        )
    )
    print(
        "  p99: own rows {:.0f} µs, none {:.0f} µs, single mode {:.0f} µs".format(
            *(p99[k] * 1e6 for k in ("own", "plain", "single"))
        )
    )
    for label, key in (("p50", "p50"), ("p99", "p99")):
        values = q[key]
        for base in ("plain", "single"):
            ratio = values["own"] / values[base]
            print(
                f"  {label} own rows / {'no rows' if base == 'plain' else 'single mode'}: {ratio:.2f}x  "
                f"(aim <= {AIMS[key]}x: {verdict(ratio, AIMS[key])})"
            )
    for key in ("read_p50", "read_p99"):
        values = q[key]
        ratio = values["layered"] / values["whole"]
        print(
            f"  read alone {key[-3:]}, the workspace's view layered / built whole: {ratio:.2f}x "
            f"({values['layered'] * 1e6:.0f} / {values['whole'] * 1e6:.0f} µs; the same answers)"
        )
    print(
        f"  first question after a shared change: own rows {first['own'] * 1e3:.1f} ms, none "
        f"{first['plain'] * 1e3:.1f} ms ({first['own'] / first['plain']:.2f}x)"
    )
    print(
        f"sync ({s_own['status']}, {s_own['changed']} offerings, {s_own['alerts']:,} alerts queued; none: "
        f"{s_plain['status']}, {s_plain['changed']}, {s_plain['alerts']:,}), in its own process:"
    )
    for label, key, unit in (("time", "sync_s", "s"), ("peak memory", "sync_peak_mb", "MB")):
        ratio = s_own[key] / s_plain[key]
        print(
            f"  {label}: own rows {s_own[key]:.2f} {unit}, none {s_plain[key]:.2f} {unit}: {ratio:.2f}x  "
            f"(aim <= {AIMS['sync']}x: {verdict(ratio, AIMS['sync'])})"
        )
    ratio = s_own["snapshot_s"] / s_plain["snapshot_s"]
    print(
        f"a web worker after it: its new shared snapshot in {s_own['snapshot_s']:.2f} s (own rows), "
        f"{s_plain['snapshot_s']:.2f} s (none): {ratio:.2f}x  (aim <= {AIMS['sync']}x: "
        f"{verdict(ratio, AIMS['sync'])}); then one question in each of {s_own['active']:,} active "
        "workspaces: "
        f"{s_own['questions_s'] / s_own['active'] * 1e3:.2f} ms each with own rows (laid over the new "
        f"snapshot on its first question), {s_plain['questions_s'] / s_plain['active'] * 1e3:.2f} ms each "
        "without (one snapshot for all)"
    )
    print(
        f"  its memory: {s_own['ready_mb']:.0f} MB ready, grew {s_own['grew_mb']:.1f} MB (own rows); "
        f"{s_plain['ready_mb']:.0f} MB, grew {s_plain['grew_mb']:.1f} MB (none); "
        f"builds: own {s_own['builds']}, none {s_plain['builds']}"
    )
    if "whole_view_s" in s_own:
        print(
            f"  (before: each view built whole, {s_own['whole_view_s']:.2f} s: "
            f"{s_own['whole_view_s'] * s_own['active']:.0f} s for these workspaces)"
        )
    ratio = m["ready_mb"] / empty["ready_mb"]
    print(
        f"worker memory, ready: {empty['ready_mb']:.0f} MB with no workspace, {m['ready_mb']:.0f} MB with "
        f"{n:,} installed and idle: {ratio:.2f}x"
    )
    if m["per_active_kb"] is not None:
        print(
            f"  each active workspace with rows of its own adds {m['per_active_kb']:.0f} KB "
            f"(over {m['active']} of them)"
        )


if __name__ == "__main__":
    main()

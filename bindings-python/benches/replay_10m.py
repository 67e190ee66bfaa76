"""Benchmark: `anbu.replay` on ~10 million events from Python vs the same replay in Rust.

Not run by the tests. Needs a release build of the binding and of the Rust baseline:

    VIRTUAL_ENV=$PWD/.venv .venv/bin/maturin develop --release -m bindings-python/Cargo.toml
    cargo build --release -p anbu-python --example replay_baseline
    .venv/bin/python bindings-python/benches/replay_10m.py [PERSONS] [DAYS]

The cohort is the core's simulator with the same arguments on both sides, so both replay the
same events. Timings cover only the replay call (input conversion, replay, output table).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import anbu

REPO = Path(__file__).resolve().parents[2]
persons = int(sys.argv[1]) if len(sys.argv) > 1 else 1400
days = int(sys.argv[2]) if len(sys.argv) > 2 else 85
SEED = 1


REPEAT = 2  # best of: the machine is shared, timings are noisy


def timed(label: str, f: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        gc.collect()
        started = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - started)
        n = len(out)
        del out
    print(f"  {label:<34} {best:7.2f} s  ({n} rows)", flush=True)
    return best


with tempfile.TemporaryDirectory() as tmp:
    csv = Path(tmp) / "events.csv"
    baseline = REPO / "target" / "release" / "examples" / "replay_baseline"
    rust = json.loads(subprocess.run([str(baseline), str(persons), str(days), str(SEED), str(csv), str(REPEAT)],
                                     check=True, capture_output=True, text=True).stdout)
    events = rust["events"]
    print(f"{events:,} events, {rust['persons']} persons, {rust['rows']:,} assessment rows (hourly)")
    print(f"  {'rust: replay(Vec<Event>)':<34} {rust['rust_replay_s']:7.2f} s")
    print(f"  {'rust: read_events(csv) + replay':<34} {rust['rust_csv_read_replay_s']:7.2f} s")

    cohort = anbu.simulate(persons=persons, days=days, seed=SEED, output="arrow")
    assert cohort.events.num_rows == events
    table = cohort.events
    people = cohort.persons

    results = {
        "pyarrow Table -> arrow": timed("pyarrow Table -> pyarrow Table", lambda: anbu.replay(table, people, output="arrow")),
        "pyarrow Table -> pandas": timed("pyarrow Table -> pandas", lambda: anbu.replay(table, people)),
    }
    frame = table.to_pandas()
    results["pandas -> pandas"] = timed("pandas DataFrame -> pandas", lambda: anbu.replay(frame, people))
    del frame
    import polars as pl

    pl_frame = pl.from_arrow(table)
    results["polars -> polars"] = timed("polars DataFrame -> polars", lambda: anbu.replay(pl_frame, people))
    del pl_frame
    results["csv path -> arrow"] = timed("CSV path (core reader) -> arrow", lambda: anbu.replay(csv, people, output="arrow"))

    print("\nratio to Rust (lower is better; target <= 1.5):")
    for label, took in results.items():
        base = rust["rust_csv_read_replay_s"] if label.startswith("csv") else rust["rust_replay_s"]
        print(f"  {label:<28} {took / base:5.2f}x   {events / took / 1e6:5.2f} M events/s")

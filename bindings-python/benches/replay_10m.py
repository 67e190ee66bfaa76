"""Benchmark: `anbu.replay` on ~10 million events from Python vs the same replay in Rust.

Not run by the tests. Needs a release build of the binding and of the Rust baseline:

    VIRTUAL_ENV=$PWD/.venv .venv/bin/maturin develop --release -m bindings-python/Cargo.toml
    cargo build --release -p anbu-python --example replay_baseline
    .venv/bin/python bindings-python/benches/replay_10m.py [PERSONS] [DAYS] [ROUNDS]

Both sides replay the same cohort (the core's simulator, same arguments), hourly, on all cores.
Rounds interleave the Rust baseline and the Python variants, and each figure is the best of the
rounds, in wall time and in CPU time (user + system, all threads): on a shared machine the CPU
time is the steadier comparison. Timings cover the replay call only: input conversion, replay,
and the output table (and the DataFrame for pandas / polars output).
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
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
SEED = 1
BASELINE = REPO / "target" / "release" / "examples" / "replay_baseline"


def measure(f: Callable[[], Any]) -> tuple[float, float]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    out = f()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert len(out) > 0
    del out
    return wall, cpu


best: dict[str, tuple[float, float]] = {}


def keep(label: str, wall: float, cpu: float) -> None:
    w, c = best.get(label, (float("inf"), float("inf")))
    best[label] = (min(w, wall), min(c, cpu))
    print(f"  {label:<36} {wall:7.2f} s wall {cpu:7.2f} s cpu", flush=True)


cohort = anbu.simulate(persons=persons, days=days, seed=SEED, output="arrow")
table = cohort.events
people = cohort.persons
frame = table.to_pandas()
import polars as pl  # noqa: E402

pl_frame = pl.from_arrow(table)

with tempfile.TemporaryDirectory() as tmp:
    csv = Path(tmp) / "events.csv"
    variants: dict[str, Callable[[], Any]] = {
        "pyarrow Table -> pyarrow Table": lambda: anbu.replay(table, people, output="arrow"),
        "pyarrow Table -> pandas": lambda: anbu.replay(table, people),
        "pandas DataFrame -> pandas": lambda: anbu.replay(frame, people),
        "polars DataFrame -> polars": lambda: anbu.replay(pl_frame, people),
        "CSV path (core reader) -> arrow": lambda: anbu.replay(csv, people, output="arrow"),
    }
    for r in range(rounds):
        print(f"round {r + 1}/{rounds}")
        rust = json.loads(subprocess.run([str(BASELINE), str(persons), str(days), str(SEED), str(csv)],
                                         check=True, capture_output=True, text=True).stdout)
        assert rust["events"] == table.num_rows
        keep("rust: replay(Vec<Event>)", rust["rust_replay_s"], rust["rust_replay_cpu_s"])
        keep("rust: read_events(csv) + replay", rust["rust_csv_read_replay_s"], rust["rust_csv_read_replay_cpu_s"])
        for label, f in variants.items():
            keep(label, *measure(f))

events = table.num_rows
print(f"\n{events:,} events, {persons} persons, {rust['rows']:,} assessment rows (hourly); best of {rounds}")
print(f"{'':<36} {'wall s':>7} {'cpu s':>7} {'M ev/s':>7} {'wall x':>7} {'cpu x':>6}")
for label, (wall, cpu) in best.items():
    base = best["rust: read_events(csv) + replay" if label.startswith(("CSV", "rust: read")) else "rust: replay(Vec<Event>)"]
    print(f"{label:<36} {wall:7.2f} {cpu:7.2f} {events / wall / 1e6:7.2f} {wall / base[0]:7.2f} {cpu / base[1]:6.2f}")

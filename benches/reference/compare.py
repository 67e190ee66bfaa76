"""anbu with full fusion vs the fixed plug rule in pandas and in polars, measured in one run on
the same generated data.

    python benches/reference/compare.py [--persons 2000] [--days 7] [--seed 1] [--rounds 3]

Generates a cohort with `anbu.simulate`, writes it once as CSV, then times, best of `rounds`
(rounds interleave the contenders, so a busy machine hurts them alike):

- in memory: `anbu.replay` on a pyarrow Table with each person's own profile (full fusion, all
  signals, Arrow output) vs `plug_rule_pandas.plug_alerts` on a pandas DataFrame vs
  `plug_rule_polars.plug_alerts` on a polars DataFrame (times already parsed in both);
- end to end from the CSV file: `anbu.replay(path, persons)` (pandas output) vs `pd.read_csv`
  + rule vs `pl.read_csv` + rule (each reads only the columns the rule needs).

Throughput is input events per second of wall time, over all the events of the input (the
rules read them all and keep the plug readings; the extra row of anbu applying the fixed rule
itself is given the plug readings alone, and its rate counts those). Prints a Markdown table, the issue's goals met
or missed, and the machine. Use a release build of the binding (`maturin develop --release`).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

import anbu

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import plug_rule_pandas  # noqa: E402
import plug_rule_polars  # noqa: E402


@dataclass
class Timing:
    label: str
    stage: str
    wall_s: float = float("inf")
    cpu_s: float = float("inf")
    rows: int = 0


def measure(timing: Timing, run: Callable[[], Any]) -> None:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    out = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    timing.rows = len(out)
    timing.wall_s = min(timing.wall_s, wall)
    timing.cpu_s = min(timing.cpu_s, cpu)
    print(f"  {timing.stage:<12} {timing.label:<44} {wall:7.3f} s wall {cpu:7.3f} s cpu", file=sys.stderr)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores (nproc), {model}; Python {platform.python_version()}, anbu {anbu.__version__}, "
        f"pandas {pd.__version__}, polars {pl.__version__}, pyarrow {pa.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--csv", type=Path, default=None, help="where to write the events (default: a temp dir)")
    args = parser.parse_args()

    print(f"simulating {args.persons} persons x {args.days} days (seed {args.seed}) ...", file=sys.stderr)
    cohort = anbu.simulate(persons=args.persons, days=args.days, seed=args.seed, output="arrow")
    table: pa.Table = cohort.events
    persons: list[dict[str, Any]] = cohort.persons.to_pylist()
    frame = table.to_pandas()
    polars_frame = pl.from_arrow(table)
    assert isinstance(polars_frame, pl.DataFrame)
    events = table.num_rows
    plug_events = int((frame["signal"] == "plug").sum())

    with tempfile.TemporaryDirectory() as tmp:
        path = args.csv or Path(tmp) / "events.csv"
        common.write_events_csv(frame, path)
        size_mb = path.stat().st_size / 1e6
        del frame
        print(f"{events} events ({plug_events} plug readings), CSV {size_mb:.0f} MB", file=sys.stderr)
        # The in-memory DataFrames for the rules, as read from the file (times parsed).
        pandas_events = plug_rule_pandas.read_events(path)
        polars_events = plug_rule_polars.read_events(path)

        # For reference: anbu applying the fixed rule itself (the validated profile), on the
        # plug readings alone (filtered before timing).
        plug_table = table.filter(pc.equal(table["signal"], "plug"))
        plug_persons = {p: "plug_24h_fixed" for p in pc.unique(plug_table["person"]).to_pylist()}

        t = {
            "anbu_mem": Timing("anbu, full fusion (pyarrow Table in, Arrow out)", "in memory"),
            "pandas_mem": Timing("pandas, fixed plug rule", "in memory"),
            "polars_mem": Timing("polars, fixed plug rule", "in memory"),
            "anbu_fixed": Timing("anbu, fixed plug rule as a profile (plug readings in)", "in memory"),
            "anbu_csv": Timing("anbu, full fusion: `anbu.replay(path, persons)`", "from CSV"),
            "pandas_csv": Timing("pandas: `pd.read_csv` + fixed plug rule", "from CSV"),
            "polars_csv": Timing("polars: `pl.read_csv` + fixed plug rule", "from CSV"),
        }
        for r in range(args.rounds):
            print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
            measure(t["anbu_mem"], lambda: anbu.replay(table, persons, output="arrow"))
            measure(t["pandas_mem"], lambda: plug_rule_pandas.plug_alerts(pandas_events))
            measure(t["polars_mem"], lambda: plug_rule_polars.plug_alerts(polars_events))
            measure(
                t["anbu_fixed"],
                lambda: anbu.replay(plug_table, plug_persons, profiles=[common.ANBU_FIXED_PROFILE], output="arrow"),
            )
            measure(t["anbu_csv"], lambda: anbu.replay(str(path), persons))
            measure(t["pandas_csv"], lambda: plug_rule_pandas.plug_alerts(plug_rule_pandas.read_events(path)))
            measure(t["polars_csv"], lambda: plug_rule_polars.plug_alerts(plug_rule_polars.read_events(path)))

    assert t["anbu_csv"].rows == t["anbu_mem"].rows, "the CSV should hold the same events as the table"
    rate = {k: (plug_events if k == "anbu_fixed" else events) / v.wall_s for k, v in t.items()}
    print(f"\n{args.persons} persons x {args.days} days: {events:,} events ({plug_events:,} plug readings), "
          f"CSV {size_mb:.0f} MB; best of {args.rounds} rounds.\n")
    print("| stage | what | wall s | CPU s | events/s | output rows | anbu vs this |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for key, v in t.items():
        anbu_key = "anbu_mem" if v.stage == "in memory" else "anbu_csv"
        ratio = "—" if key in (anbu_key, "anbu_fixed") else f"{rate[anbu_key] / rate[key]:.2f}x"
        print(f"| {v.stage} | {v.label} | {v.wall_s:.3f} | {v.cpu_s:.3f} | {rate[key]:,.0f} | {v.rows:,} | {ratio} |")
    goals = [
        ("in memory: anbu ≥ 20x pandas", rate["anbu_mem"] / rate["pandas_mem"], 20.0),
        ("in memory: anbu ≥ 2x polars", rate["anbu_mem"] / rate["polars_mem"], 2.0),
        ("from CSV: anbu ≥ 5x pandas", rate["anbu_csv"] / rate["pandas_csv"], 5.0),
        ("from CSV: anbu ≥ 3x polars", rate["anbu_csv"] / rate["polars_csv"], 3.0),
    ]
    print("\n| goal | measured | met |")
    print("|---|---:|---|")
    for name, got, want in goals:
        print(f"| {name} | {got:.2f}x | {'yes' if got >= want else 'no'} |")
    print(f"\nMachine: {machine()}.")


if __name__ == "__main__":
    main()

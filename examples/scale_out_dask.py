"""Scale-out: a replay partitioned by person on a Dask cluster gives exactly the rows of the
same replay on one machine.

Run with `python examples/scale_out_dask.py [--persons 400] [--days 14] [--partitions 8]` after
`pip install './bindings-python[pyarrow]' 'dask[distributed]'`. Starts a local Dask cluster (two
worker processes, no dashboard); on a real cluster, connect the `Client` to its scheduler
instead and nothing else changes.

A person's assessments depend on that person's events alone, so persons can be replayed
anywhere, in any grouping. One thing is global: the spec's hourly grid runs up to the last
event of the *whole* input. Each partition therefore replays with that time as its ``end``, so
that a partition whose own events end earlier is still assessed up to the common end.
"""

from __future__ import annotations

import argparse
import time
import zlib
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from dask.distributed import Client, LocalCluster

import anbu

def partition_of(person: str, partitions: int) -> int:
    """The partition of a person: a stable hash of the id (the same on every machine)."""
    return zlib.crc32(person.encode()) % partitions


def replay_partition(events: pa.Table, persons: list[dict[str, Any]], end: datetime) -> pa.Table:
    """Replays one partition's persons up to `end`, the last event of the whole input
    (runs on a worker)."""
    rows: pa.Table = anbu.replay(
        events,
        persons,
        output="arrow",
        threads=1,  # one thread per task: the worker's threads run the tasks in parallel
        end=end,
    )
    return rows


def replay_on_dask(client: Client, events: pa.Table, persons: list[dict[str, Any]], partitions: int) -> pa.Table:
    """The rows of `anbu.replay(events, persons)`, computed partition by partition on the
    cluster, in `person`, `at` order."""
    end = pc.max(events["ts"]).as_py()
    part = pa.array([partition_of(p, partitions) for p in events["person"].to_pylist()], pa.int32())
    futures = []
    for i in range(partitions):
        mine = [p for p in persons if partition_of(p["person"], partitions) == i]
        if mine:
            chunk = events.filter(pc.equal(part, i))
            futures.append(client.submit(replay_partition, chunk, mine, end, pure=False))
    tables: list[pa.Table] = client.gather(futures)
    return pa.concat_tables(tables).sort_by([("person", "ascending"), ("at", "ascending")])


def main() -> None:
    parser = argparse.ArgumentParser(description="Replay partitioned by person on a local Dask cluster.")
    parser.add_argument("--persons", type=int, default=400)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    cohort = anbu.simulate(persons=args.persons, days=args.days, seed=5, output="arrow")
    events: pa.Table = cohort.events
    persons: list[dict[str, Any]] = cohort.persons.to_pylist()

    started = time.perf_counter()
    single = anbu.replay(events, persons, output="arrow")
    print(f"one machine: {single.num_rows} rows in {time.perf_counter() - started:.2f} s")

    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, Client(cluster) as client:
        started = time.perf_counter()
        rows = replay_on_dask(client, events, persons, args.partitions)
        took = time.perf_counter() - started
    print(f"dask, {args.workers} workers, {args.partitions} partitions: {rows.num_rows} rows in {took:.2f} s")

    assert rows.schema == single.schema
    assert rows.equals(single), "the partitioned replay differs from the single-machine replay"
    print(f"identical: {rows.num_rows} rows, {len(persons)} persons, same order after sorting by (person, at)")


if __name__ == "__main__":
    main()

"""Scale-out on Dask (`examples/scale_out_dask.py`): a replay partitioned by person gives the
rows of the single-machine replay. Dask is in requirements-dev.txt: a missing dask fails here."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.compute as pc
from dask.distributed import Client, LocalCluster

import anbu

from conftest import REPO

EXAMPLE = REPO / "examples" / "scale_out_dask.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scale_out_dask", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_runs_on_a_local_cluster(tmp_path: Path) -> None:
    """As written: worker processes, no dashboard; any warning fails it."""
    args = [sys.executable, str(EXAMPLE), "--persons", "30", "--days", "5", "--partitions", "3"]
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "identical: " in done.stdout
    assert "Warning" not in done.stderr, done.stderr


def test_partitions_that_end_early_still_reach_the_common_end() -> None:
    """A person whose events stop halfway, alone in a partition: the grid still runs to the
    last event of the whole input, as in the single-machine replay."""
    example = load_example()
    cohort = anbu.simulate(persons=6, days=5, seed=2, output="arrow")
    events: pa.Table = cohort.events
    persons = cohort.persons.to_pylist()
    quiet = persons[0]["person"]
    cut = pc.min(events["ts"]).as_py() + (pc.max(events["ts"]).as_py() - pc.min(events["ts"]).as_py()) / 2
    keep = pc.or_(pc.not_equal(events["person"], quiet), pc.less(events["ts"], pa.scalar(cut, events["ts"].type)))
    events = events.filter(keep)
    single = anbu.replay(events, persons, output="arrow")
    partitions = 64
    home = example.partition_of(quiet, partitions)
    mates = [p for p in persons if example.partition_of(p["person"], partitions) == home]
    assert len(mates) == 1, "the quiet person should have a partition of their own"

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            rows = example.replay_on_dask(client, events, persons, partitions=partitions)

    assert rows.equals(single)
    mine = rows.filter(pc.equal(rows["person"], quiet))
    assert mine["at"][-1] == single["at"][-1]  # assessed up to the common end, not its own
    assert pc.max(events.filter(pc.equal(events["person"], quiet))["ts"]).as_py() < mine["at"][-1].as_py()

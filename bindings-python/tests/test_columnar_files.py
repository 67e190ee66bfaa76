"""Parquet and Arrow IPC event files, read by the core (its `arrow` feature): the events the
core's CSV writer wrote, converted by pyarrow (snappy Parquet, lz4 Feather, an IPC stream) and
by polars (zstd Parquet, IPC), read back by `read_events(path)` and `replay(path)` as the CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

import anbu
from conftest import frame_rows


@pytest.fixture(scope="module")
def cohort() -> anbu.Cohort:
    return anbu.simulate(persons=5, days=4, seed=23, recent_incidents=1, output="polars")


def _csv_table(csv: Path) -> pa.Table:
    # Every column as text, as the CSV holds it: the core reads each cell as a CSV cell.
    header = csv.read_text().splitlines()[0].split(",")
    types = {name: pa.string() for name in header}
    return pacsv.read_csv(csv, convert_options=pacsv.ConvertOptions(column_types=types))


def _pyarrow_parquet(csv: Path, out: Path) -> None:
    pq.write_table(_csv_table(csv), out)  # snappy, pyarrow's default


def _pyarrow_typed_parquet(csv: Path, out: Path) -> None:
    # Times as zone-aware timestamps and numbers as numbers, as pandas would write them.
    table = pl.read_csv(csv, infer_schema_length=0).with_columns(
        pl.col("ts").str.to_datetime(time_zone="Asia/Seoul"),
        pl.col("until").str.to_datetime(time_zone="UTC", strict=False),
        pl.col("watts", "lux", "duration_s").cast(pl.Float64),
        pl.col("steps", "interval_s").cast(pl.Int64),
        pl.col("answered") == "true",
    )
    pq.write_table(table.to_arrow(), out, compression="snappy")


def _feather(csv: Path, out: Path) -> None:
    feather.write_feather(_csv_table(csv), out)  # Feather 2, lz4 by default


def _ipc_stream(csv: Path, out: Path) -> None:
    table = _csv_table(csv)
    with pa.OSFile(str(out), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=100)


def _polars_parquet(csv: Path, out: Path) -> None:
    pl.read_csv(csv, infer_schema_length=0).write_parquet(out)  # zstd, polars' default


def _polars_ipc(csv: Path, out: Path) -> None:
    pl.read_csv(csv, infer_schema_length=0).write_ipc(out)


WRITERS: dict[str, tuple[str, Callable[[Path, Path], None]]] = {
    "pyarrow_parquet": ("parquet", _pyarrow_parquet),
    "pyarrow_typed_parquet": ("parquet", _pyarrow_typed_parquet),
    "pyarrow_feather": ("feather", _feather),
    "pyarrow_ipc_stream": ("ipc", _ipc_stream),
    "polars_parquet": ("parquet", _polars_parquet),
    "polars_ipc": ("arrow", _polars_ipc),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_converted_file_reads_as_the_csv(tmp_path: Path, cohort: anbu.Cohort, writer: str) -> None:
    csv = tmp_path / "events.csv"
    anbu.write_events(cohort.events, csv)
    ext, write = WRITERS[writer]
    path = tmp_path / f"events.{ext}"
    write(csv, path)
    want = anbu.read_events(csv).events
    assert len(want) > 100
    assert anbu.read_events(path).events == want
    assert frame_rows(anbu.replay(str(path), cohort.persons, output="polars")) == frame_rows(
        anbu.replay(str(csv), cohort.persons, output="polars")
    )


def test_the_core_writes_parquet_and_arrow(tmp_path: Path, cohort: anbu.Cohort) -> None:
    want = anbu.events(cohort.events)
    for ext in ["parquet", "arrow"]:
        path = tmp_path / f"events.{ext}"
        anbu.write_events(cohort.events, path)
        assert anbu.read_events(path).events == want
        # pyarrow and polars read what the core wrote.
        table = pq.read_table(path) if ext == "parquet" else feather.read_table(path)
        assert table.num_rows == len(want)
        assert pl.from_arrow(table)["person"].to_list() == [e.person for e in want]


def test_bad_rows_and_damaged_files(tmp_path: Path, cohort: anbu.Cohort) -> None:
    csv = tmp_path / "events.csv"
    anbu.write_events(cohort.events, csv)
    table = _csv_table(csv)
    outcome = table.column("outcome").to_pylist()
    row = next(i for i, v in enumerate(outcome) if v)
    outcome[row] = "maybe"
    bad = table.set_column(table.schema.get_field_index("outcome"), "outcome", pa.array(outcome, pa.string()))
    path = tmp_path / "events.parquet"
    pq.write_table(bad, path)
    with pytest.raises(anbu.InvalidEventError, match=rf"^row {row}: field `outcome`: unknown value `maybe`"):
        anbu.read_events(path)
    lenient = anbu.read_events(path, skip_bad_rows=True)
    assert lenient.skipped_count == 1 and len(lenient.events) == table.num_rows - 1
    # Cut short: a format error naming the file.
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(anbu.FormatError, match="events.parquet`: not a readable Parquet file"):
        anbu.replay(str(path), cohort.persons)

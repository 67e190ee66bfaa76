"""Every input type gives exactly the assessments the Rust core produced for the fixture."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import anbu
from conftest import FIXTURES, frame_rows

CSV = FIXTURES / "events.csv"
JSONL = FIXTURES / "events.jsonl"


def _pandas_text() -> Any:
    # Times as text, counts as floats with NaN gaps, flags as objects: what read_csv gives.
    return pd.read_csv(CSV)


def _pandas_datetimes() -> Any:
    df = pd.read_csv(CSV)
    df["ts"] = pd.to_datetime(df["ts"], utc=True, format="ISO8601")
    df["until"] = pd.to_datetime(df["until"], utc=True, format="ISO8601")
    return df


def _pandas_categorical_with_index() -> Any:
    df = pd.read_csv(CSV)
    df["signal"] = df["signal"].astype("category")
    df["person"] = df["person"].astype("category")
    return df.set_index(pd.Index(range(10, 10 + len(df))))


def _polars() -> Any:
    return pl.read_csv(CSV, infer_schema_length=None)


def _polars_typed() -> Any:
    df = pl.read_csv(CSV, infer_schema_length=None)
    return df.with_columns(
        pl.col("ts").str.to_datetime(time_zone="UTC"),
        pl.col("signal").cast(pl.Categorical),
    )


def _arrow_table() -> Any:
    return pacsv.read_csv(CSV)


def _arrow_epoch_ms() -> Any:
    t = pacsv.read_csv(CSV)
    ts = t.column("ts").cast(pa.timestamp("ms", tz="UTC")).cast(pa.int64())
    return t.set_column(t.schema.get_field_index("ts"), "ts", ts)


def _arrow_batch() -> Any:
    return pacsv.read_csv(CSV).combine_chunks().to_batches()[0]


def _arrow_chunked() -> Any:
    t = pacsv.read_csv(CSV)
    return pa.Table.from_batches(t.to_batches(max_chunksize=500))


INPUTS: dict[str, Callable[[], Any]] = {
    "csv_path": lambda: str(CSV),
    "csv_pathlib": lambda: CSV,
    "jsonl_path": lambda: JSONL,
    "pandas_text": _pandas_text,
    "pandas_datetimes": _pandas_datetimes,
    "pandas_categorical_index": _pandas_categorical_with_index,
    "polars": _polars,
    "polars_typed": _polars_typed,
    "pyarrow_table": _arrow_table,
    "pyarrow_epoch_ms": _arrow_epoch_ms,
    "pyarrow_record_batch": _arrow_batch,
    "pyarrow_chunked": _arrow_chunked,
}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_input_type_matches_rust(name: str, expected: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    out = anbu.replay(INPUTS[name](), persons, every="1h", profiles=profiles)
    assert frame_rows(out) == expected


def test_list_of_dicts(event_dicts: list[dict[str, Any]], expected: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    assert frame_rows(anbu.replay(event_dicts, persons, profiles=profiles)) == expected


def test_list_of_events(event_dicts: list[dict[str, Any]], expected: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    events = [anbu.Event.from_dict(d) for d in event_dicts]
    assert frame_rows(anbu.replay(events, persons, profiles=profiles)) == expected


def test_streaming_engine_agrees(event_dicts: list[dict[str, Any]], expected: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    engine = anbu.Engine()
    for p in profiles:
        engine.add_profile(p)
    engine.add_persons(persons)
    assert engine.ingest_batch(sorted(event_dicts, key=lambda d: d["ts"])) == len(event_dicts)
    last = max(row[1] for row in expected)
    rows = [r for r in expected if r[1] == last]
    got = [a.to_dict() for a in engine.assess_all(last)]
    assert frame_rows(pd.DataFrame(got)) == rows


# A number for a duration is milliseconds, as in every binding (tests/shared/tricky.json).
@pytest.mark.parametrize("every", ["1h", "60m", "3600s", 3_600_000, 3_600_000.0, timedelta(hours=1)])
def test_every_forms(every: Any, expected: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    assert frame_rows(anbu.replay(CSV, persons, every=every, profiles=profiles)) == expected


def test_persons_forms(expected: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    as_dict = {p["person"]: {"profile": p["profile"], "devices": p.get("devices")} for p in persons}
    for form in (as_dict, pd.DataFrame(persons), pl.DataFrame(persons), pa.Table.from_pylist(persons)):
        assert frame_rows(anbu.replay(CSV, form, profiles=profiles)) == expected


def test_output_types(persons: list[Any], profiles: list[Path]) -> None:
    pandas_out = anbu.replay(CSV, persons, profiles=profiles)
    assert isinstance(pandas_out, pd.DataFrame)
    assert list(pandas_out.columns) == anbu.ASSESSMENT_FIELDS
    assert str(pandas_out["at"].dtype) == "datetime64[ms, UTC]"
    assert pandas_out["score"].dtype == "float64"
    assert isinstance(anbu.replay(_polars(), persons, profiles=profiles), pl.DataFrame)
    arrow_out = anbu.replay(CSV, persons, profiles=profiles, output="arrow")
    assert isinstance(arrow_out, pa.Table)
    assert arrow_out.schema.field("at").type == pa.timestamp("ms", tz="UTC")
    assert isinstance(anbu.replay(CSV, persons, profiles=profiles, output="polars"), pl.DataFrame)


def test_threads_do_not_change_results(expected: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    for threads in (1, 2, 3):
        assert frame_rows(anbu.replay(CSV, persons, profiles=profiles, threads=threads)) == expected


def test_set_threads_is_the_process_switch(expected: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    before = anbu.threads()
    try:
        for n in (1, 3):
            anbu.set_threads(n)
            assert anbu.threads() == n
            assert frame_rows(anbu.replay(CSV, persons, profiles=profiles)) == expected
        with pytest.raises(anbu.InvalidArgumentError, match="argument `threads`: must be a whole number >= 0, got -1"):
            anbu.set_threads(-1)
        with pytest.raises(anbu.InvalidArgumentError, match="argument `threads`: 257 threads, at most 256"):
            anbu.set_threads(257)
        assert anbu.threads() == 3  # a refused count leaves the switch as it was
    finally:
        anbu.set_threads(0)
    assert anbu.threads() == before


def test_anbu_num_threads_is_read_by_the_core() -> None:
    code = "import anbu; print(anbu.threads())"
    run = lambda value: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "ANBU_NUM_THREADS": value}
    )
    assert run("2").stdout == "2\n"
    bad = run("four")
    assert bad.returncode != 0
    assert "InvalidArgumentError: argument `ANBU_NUM_THREADS`: must be a whole number" in bad.stderr


def test_empty_input(persons: list[Any]) -> None:
    out = anbu.replay([], persons, profiles=[FIXTURES / "plug_36h.toml"])
    assert len(out) == 0
    assert list(out.columns) == anbu.ASSESSMENT_FIELDS


def test_read_events_round_trip(event_dicts: list[dict[str, Any]]) -> None:
    from_csv = anbu.read_events(CSV)
    from_jsonl = anbu.read_events(JSONL)
    assert len(from_csv) == len(event_dicts) == len(from_jsonl.events)
    assert list(from_csv) == list(from_jsonl)
    assert from_csv[0] == anbu.Event.from_dict(event_dicts[0])
    assert from_csv.skipped == [] and from_csv.skipped_count == 0


def test_parallel_conversion_keeps_row_order() -> None:
    cohort = anbu.simulate(persons=60, days=45, seed=5, output="arrow")
    table = cohort.events
    assert table.num_rows > 200_000  # converted on two threads
    half = table.num_rows // 2  # each half on one
    assert anbu.events(table) == anbu.events(table.slice(0, half)) + anbu.events(table.slice(half))


def test_output_objects(expected: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    rows = anbu.replay(JSONL, persons, profiles=profiles, output="objects")
    assert all(isinstance(r, anbu.Assessment) for r in rows)
    assert frame_rows(pd.DataFrame([r.to_dict() for r in rows])) == expected
    with pytest.raises(ValueError, match="output must be"):
        anbu.replay(JSONL, persons, profiles=profiles, output="excel")  # type: ignore[arg-type]

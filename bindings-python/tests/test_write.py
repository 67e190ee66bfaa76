"""The writers: events and assessments in the interchange contract's CSV and JSON Lines forms,
written by the core's writers (the same bytes as the command line's), read back identical."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import anbu
from conftest import frame_rows, normal_rows


@pytest.fixture(scope="module")
def cohort() -> anbu.Cohort:
    return anbu.simulate(persons=6, days=4, seed=11, recent_incidents=2, output="polars")


@pytest.fixture(scope="module")
def rows(cohort: anbu.Cohort) -> pl.DataFrame:
    replayed: pl.DataFrame = anbu.replay(cohort.events, cohort.persons)
    return replayed


def _as(kind: str, frame: pl.DataFrame) -> Any:
    if kind == "polars":
        return frame
    if kind == "pandas":
        return frame.to_pandas()
    if kind == "arrow":
        return frame.to_arrow()
    return frame.to_dicts()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("kind", ["polars", "pandas", "arrow", "dicts", "objects"])
def test_events_round_trip(tmp_path: Path, cohort: anbu.Cohort, fmt: str, kind: str) -> None:
    original = anbu.events(cohort.events)
    source = original if kind == "objects" else _as(kind, cohort.events)
    path = tmp_path / f"events.{fmt}"
    anbu.write_events(source, path)
    assert anbu.read_events(path).events == original
    # A replay of the file is the replay of the original.
    assert frame_rows(anbu.replay(str(path), cohort.persons, output="polars")) == frame_rows(
        anbu.replay(cohort.events, cohort.persons)
    )


@pytest.mark.parametrize("kind", ["polars", "pandas", "arrow", "objects"])
def test_assessments_round_trip(tmp_path: Path, cohort: anbu.Cohort, rows: pl.DataFrame, kind: str) -> None:
    assert any(len(r) for r in rows["reasons"].to_list()), "the cohort must have reasons to write"
    source = anbu.replay(cohort.events, cohort.persons, output="objects") if kind == "objects" else _as(kind, rows)
    anbu.write_assessments(source, tmp_path / "rows.jsonl")
    lines = (tmp_path / "rows.jsonl").read_text().splitlines()
    assert normal_rows([json.loads(line) for line in lines]) == frame_rows(rows)
    anbu.write_assessments(source, tmp_path / "rows.csv")
    table = pd.read_csv(tmp_path / "rows.csv", keep_default_na=False)
    assert list(table.columns) == anbu.ASSESSMENT_FIELDS
    table["reasons"] = table["reasons"].map(json.loads)
    assert normal_rows(table.to_dict("records")) == frame_rows(rows)


def test_same_bytes_as_the_command_line(tmp_path: Path) -> None:
    assert anbu._anbu.cli(["anbu", "simulate", "--persons", "4", "--days", "3", "--out", str(tmp_path)]) == 0
    events, persons = tmp_path / "events.csv", tmp_path / "persons.csv"
    assert anbu._anbu.cli(["anbu", "replay", "--persons", str(persons), str(events), "-o", str(tmp_path / "cli.jsonl")]) == 0
    read = anbu.read_events(events).events
    out = io.BytesIO()
    anbu.write_events(read, out)
    assert out.getvalue() == events.read_bytes()
    rows = anbu.replay(events, pd.read_csv(persons, keep_default_na=False), output="arrow")
    anbu.write_assessments(rows, tmp_path / "py.jsonl")
    assert (tmp_path / "py.jsonl").read_bytes() == (tmp_path / "cli.jsonl").read_bytes()


def test_file_objects_and_formats(tmp_path: Path, cohort: anbu.Cohort, rows: pl.DataFrame) -> None:
    binary, text = io.BytesIO(), io.StringIO()
    anbu.write_events(cohort.events, binary, format="jsonl")
    anbu.write_events(cohort.events, text, format="jsonl")
    assert binary.getvalue().decode() == text.getvalue()
    first = json.loads(text.getvalue().splitlines()[0])
    assert set(first) >= {"person", "ts", "signal"}
    # A file object without a format gets CSV; a path its extension's format.
    csv = io.BytesIO()
    anbu.write_assessments(rows, csv)
    assert csv.getvalue().decode().splitlines()[0] == ",".join(anbu.ASSESSMENT_FIELDS)
    anbu.write_assessments(rows, tmp_path / "rows.ndjson")
    assert json.loads((tmp_path / "rows.ndjson").read_text().splitlines()[0])["person"] == rows["person"][0]
    with open(tmp_path / "e.csv", "w", encoding="utf-8") as f:
        anbu.write_events(cohort.events, f)
    assert len(anbu.read_events(tmp_path / "e.csv")) == cohort.events.height


def test_writer_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cohort: anbu.Cohort, rows: pl.DataFrame) -> None:
    monkeypatch.chdir(tmp_path)  # short paths, which errors quote whole
    with pytest.raises(anbu.InvalidArgumentError, match="unknown format `xml`"):
        anbu.write_events(cohort.events, "e.csv", format="xml")
    with pytest.raises(anbu.InvalidArgumentError, match="cannot tell the format of `e.txt`"):
        anbu.write_events(cohort.events, "e.txt")
    missing = Path("no-such-dir") / "e.csv"
    with pytest.raises(anbu.AnbuIOError, match=f"cannot create `{missing}`"):
        anbu.write_events(cohort.events, missing)
    with pytest.raises(anbu.InvalidEventError, match="row 1: field `watts`"):
        anbu.write_events(
            [
                {"person": "p-1", "ts": "2024-05-01T08:00:00+09:00", "signal": "sos"},
                {"person": "p-1", "ts": "2024-05-01T09:00:00+09:00", "signal": "plug", "watts": -1},
            ],
            io.BytesIO(),
        )
    bad = rows.head(2).with_columns(pl.lit("loud").alias("level"))
    with pytest.raises(anbu.InvalidArgumentError, match="row 0: field `level`"):
        anbu.write_assessments(bad, io.BytesIO())
    broken = rows.to_arrow()
    reasons = broken.column("reasons").to_pylist()
    i = next(k for k, r in enumerate(reasons) if r)
    reasons[i][0]["kind"] = "gut_feeling"
    broken = broken.set_column(broken.column_names.index("reasons"), "reasons", pa.array(reasons))
    with pytest.raises(anbu.InvalidArgumentError, match=f"row {i}: field `reasons.kind`"):
        anbu.write_assessments(broken, io.BytesIO())
    assert not missing.exists()

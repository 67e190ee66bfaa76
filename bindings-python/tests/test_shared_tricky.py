"""The shared table of tricky inputs (tests/shared/tricky.json): the Python binding gives each
case's result, or its error code and message. The Node binding runs the same table
(bindings-node/__test__/tricky.test.mjs), so both agree case by case."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import anbu
from conftest import REPO, millis

TABLE = json.loads((REPO / "tests" / "shared" / "tricky.json").read_text(encoding="utf-8"))
CASES = {case["name"]: case for case in TABLE["cases"]}


def decode(value: Any) -> Any:
    """JSON as Python values: `{"$": "NaN"}` is NaN, `{"$date": text}` an aware datetime."""
    if isinstance(value, dict):
        if set(value) == {"$"}:
            return float(value["$"])
        if set(value) == {"$date"}:
            return datetime.fromisoformat(value["$date"].replace("Z", "+00:00"))
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def events_and_persons(case: dict[str, Any], tmp_path: Path) -> tuple[Any, Any]:
    """The case's events as the binding takes them, and its persons."""
    spec, persons = case.get("events"), decode(case.get("persons"))
    if isinstance(spec, list):
        return decode(spec), persons
    if "csv" in spec or "jsonl" in spec:
        kind = "csv" if "csv" in spec else "jsonl"
        path = tmp_path / f"events.{kind}"
        path.write_text(spec[kind], encoding="utf-8")
        return str(path), persons
    if "columns" in spec:
        return pa.table({k: pa.array(v) for k, v in decode(spec["columns"]).items()}), persons
    cohort = anbu.simulate(**decode(spec["simulate"]), output="arrow")
    return cohort.events, cohort.persons if persons == "simulated" else persons


def record(event: anbu.Event) -> dict[str, Any]:
    """An event as the table writes it: the spec's fields, times as epoch milliseconds."""
    return {k: millis(v) if isinstance(v, datetime) else v for k, v in event.to_dict().items()}


def expected_record(r: dict[str, Any]) -> dict[str, Any]:
    return {k: millis(v) if k in ("ts", "until") else v for k, v in r.items()}


def run(case: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Calls the binding as the case says; returns the result's summary."""
    call, options = case["call"], decode(case.get("options", {}))
    if call == "simulate":
        cohort = anbu.simulate(**options, output="arrow")
        return {"persons": cohort.persons.num_rows, "events": cohort.events.num_rows, "incidents": cohort.incidents.num_rows}
    events, persons = events_and_persons(case, tmp_path)
    if call == "events":
        return {"events": [record(e) for e in anbu.events(events)]}
    if call == "replay":
        return {"rows": len(anbu.replay(events, persons, **options, output="objects"))}
    if call == "closed_loop":
        policy = options.pop("policy", None)
        rows = anbu.replay_closed_loop(events, persons, decode(case["responder"]), policy=policy, **options, output="objects")
        return {"rows": len(rows)}
    if call == "backtest":
        rows = anbu.replay(events, persons, **options, output="objects")
        report = anbu.backtest(rows, decode(case["incidents"]), persons)
        return {"incidents": report.overall["incidents"], "detected": report.overall["detected"]}
    engine = anbu.Engine()
    engine.add_persons(persons)
    if call == "ingest":
        return {"taken": engine.ingest_batch(events)}
    if call == "assess":
        engine.ingest_batch(events)
        return {"level": engine.assess(persons[0]["person"], decode(case["at"])).level}
    raise AssertionError(f"unknown call {call!r}")


def same(got: Any, want: Any) -> bool:
    """`got` is `want` (a summary from the table)."""
    return bool(got == want)


@pytest.mark.parametrize("name", sorted(CASES))
def test_shared_tricky_inputs(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(anbu.AnbuError) as err:
            run(case, tmp_path)
        assert (err.value.code, expect["message"] in str(err.value)) == (expect["error"], True), str(err.value)
        return
    got = run(case, tmp_path)
    if case["call"] == "events":
        expect = {"events": [expected_record(r) for r in expect["events"]]}
    assert same(got, expect), f"{got} != {expect}"


def test_the_table_names_every_case_of_issue_14() -> None:
    # The cases the issue lists (and the reader of the CSV the issue's pandas writes).
    for name in [
        "device-empty-text-is-absent",
        "every-3600-is-refused",
        "every-number-is-milliseconds",
        "ts-seconds-in-columns-is-refused",
        "pandas-csv-reads-back",
        "simulate-negative-persons-is-refused",
        "simulate-negative-days-is-refused",
        "simulate-too-many-person-days-is-refused",
        "person-row-without-profile",
        "incident-start-unparsable",
    ]:
        assert name in CASES


def test_pandas_to_csv_reads_back(tmp_path: Path) -> None:
    # The issue's own steps: a simulated cohort's events written by pandas, read by replay(path).
    cohort = anbu.simulate(persons=20, days=2, seed=1)
    assert str(cohort.events["steps"].dtype) == "float64"
    path = tmp_path / "events.csv"
    cohort.events.to_csv(path, index=False)
    assert "0.0" in path.read_text()
    from_csv = anbu.replay(str(path), cohort.persons, output="objects")
    assert from_csv == anbu.replay(cohort.events, cohort.persons, output="objects")
    assert len(anbu.read_events(str(path), skip_bad_rows=True).events) == len(cohort.events)

"""backtest and simulate: the same numbers as the Rust core, from every output type."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import anbu
from conftest import FIXTURES


def close(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


@pytest.fixture(scope="module")
def incidents() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((FIXTURES / "incidents.json").read_text())
    return rows


@pytest.mark.parametrize("output", ["pandas", "polars", "arrow"])
def test_backtest_matches_rust(output: Any, incidents: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    expected = json.loads((FIXTURES / "backtest.json").read_text())
    rows = anbu.replay(FIXTURES / "events.csv", persons, profiles=profiles, output=output)
    for incident_form in (incidents, pd.DataFrame(incidents), pl.DataFrame(incidents)):
        report = anbu.backtest(rows, incident_form, persons)
        assert close(report.to_dict(), expected)
    assert report.overall == report.to_dict()["overall"]
    assert set(report.by_profile) == set(expected["by_profile"])
    # The profiles' table ends with `all`; the incidents' kinds follow, one row each.
    profiles_table, kinds_table = report.to_markdown().split("\n\n")
    assert profiles_table.splitlines()[-1].startswith("| all | ")
    assert report.by_kind == expected["by_kind"] and len(report.by_kind) > 0
    assert [line.split(" | ")[0] for line in kinds_table.splitlines()[2:]] == [f"| {k}" for k in report.by_kind]
    frame = report.incidents("pandas")
    for kind, m in report.by_kind.items():
        of = frame[frame["kind"] == kind]
        assert (m["incidents"], m["detected"]) == (len(of), int(of["detected_at"].notna().sum()))
    assert repr(report).startswith("BacktestReport(persons=")


def test_backtest_on_assessment_objects(incidents: list[Any]) -> None:
    engine = anbu.Engine()
    engine.add_person("p-1", "full")
    engine.ingest({"person": "p-1", "ts": "2024-05-01T00:00:00Z", "signal": "sos"})
    rows = [engine.assess("p-1", "2024-05-01T01:00:00Z")]
    report = anbu.backtest(rows, [{"person": "p-1", "start": "2024-05-01T00:00:00Z", "end": None}])
    assert report.overall["incidents"] == 1


def test_backtest_errors() -> None:
    rows = pa.table({"person": ["p-1"], "at": [0], "score": [1.0], "level": ["purple"], "action": ["none"], "responder": ["day_office"]})
    with pytest.raises(anbu.InvalidArgumentError, match="row 0: field `level`: unknown value `purple`"):
        anbu.backtest(rows, [])
    with pytest.raises(TypeError, match="column `responder`"):
        anbu.backtest(rows.drop_columns(["responder"]), [])
    good = rows.set_column(3, "level", pa.array(["warning"]))
    with pytest.raises(anbu.InvalidEventError, match="`end`"):
        anbu.backtest(good, [{"person": "p-1", "start": "2024-05-02T00:00:00Z", "end": "2024-05-01T00:00:00Z"}])
    # What the core checks of rows given back: the score, and a pseudonymous person id (the
    # same messages from Rust and Node).
    nan = good.set_column(2, "score", pa.array([float("nan")]))
    with pytest.raises(anbu.InvalidArgumentError) as e:
        anbu.backtest(nan, [])
    assert str(e.value) == "argument `assessments`: row 0: field `score`: NaN is not a score from 0 to 100"
    phone = good.set_column(0, "person", pa.array(["010-1234-5678"]))
    with pytest.raises(anbu.InvalidArgumentError, match="^argument `assessments`: row 0: field `person`: "):
        anbu.backtest(phone, [])


def test_simulate_is_seeded_and_replays() -> None:
    a = anbu.simulate(persons=6, days=3, seed=11, recent_incidents=2)
    b = anbu.simulate(persons=6, days=3, seed=11, recent_incidents=2, output="arrow")
    assert isinstance(a.events, pd.DataFrame) and isinstance(b.events, pa.Table)
    assert list(a.events.columns) == anbu.EVENT_FIELDS
    assert len(a.events) == b.events.num_rows and a.persons.to_dict("records") == b.persons.to_pylist()
    # The simulated cohort is the fixture's (minus its two hand-made persons).
    fixture_events = [e for e in anbu.read_events(FIXTURES / "events.csv") if e.person not in ("p-every", "p-custom")]
    assert anbu.events(b.events) == fixture_events
    out = anbu.replay(b.events, b.persons, output="polars")
    assert isinstance(out, pl.DataFrame) and out.height > 0
    report = anbu.backtest(out, b.incidents, b.persons)
    assert report.overall["incidents"] == b.incidents.num_rows
    # Each simulated incident is labelled with its person's story, and its outcome carries it.
    story = dict(zip(a.cases["person"], a.cases["incident"]))
    assert len(a.incidents) > 0
    assert all(story[p] == k for p, k in zip(a.incidents["person"], a.incidents["kind"]))
    assert report.incidents("polars")["kind"].to_list() == a.incidents["kind"].to_list()
    c = anbu.simulate(persons=6, days=3, seed=12, output="polars")
    assert isinstance(c.cases, pl.DataFrame) and c.cases.height == 6


@pytest.mark.parametrize("output", ["pandas", "polars", "arrow"])
def test_incidents_and_episodes_one_row_each(output: Any, incidents: list[Any], persons: list[Any], profiles: list[Path]) -> None:
    rows = anbu.replay(FIXTURES / "events.csv", persons, profiles=profiles)
    report = anbu.backtest(rows, incidents, persons)
    expected = json.loads((FIXTURES / "backtest.json").read_text())
    assert report.incidents("records") == expected["incidents"]
    assert report.episodes("records") == expected["episodes"]
    inc = report.incidents(output)
    eps = report.episodes(output)
    if output == "arrow":
        inc, eps = pl.from_arrow(inc), pl.from_arrow(eps)
    if output == "pandas":
        inc, eps = pl.from_pandas(inc), pl.from_pandas(eps)
    assert inc.height == len(incidents) == report.overall["incidents"]
    assert inc["person"].to_list() == [i["person"] for i in incidents]
    # Each incident's label comes with it, to group the outcomes by.
    assert inc["kind"].to_list() == [i.get("kind") for i in incidents]
    assert "sudden_collapse" in inc["kind"].to_list()
    assert inc["detected_at"].is_not_null().sum() == report.overall["detected"]
    assert inc["detected_at"].dtype == pl.Datetime("ms", "UTC")
    # When the person was first asked (a check-in call or more), within the incident's window.
    assert inc["asked_at"].dtype == pl.Datetime("ms", "UTC")
    asked = inc.filter(pl.col("asked_at").is_not_null())
    assert asked.height > 0
    assert ((asked["asked_at"] >= asked["start"]) & (asked["asked_at"] <= asked["window_end"])).all()
    false_eps = eps.filter(pl.col("kind").cast(pl.String) == "false")
    assert false_eps.height == report.overall["false_episodes"]
    assert false_eps["dispatches"].sum() == report.overall["false_dispatches"]
    assert (eps["end"] >= eps["start"]).all()


def test_levels_actions_and_kinds_are_ordered(persons: list[Any], profiles: list[Path]) -> None:
    rows = anbu.replay(FIXTURES / "events.csv", persons, profiles=profiles)
    assert dict(anbu.ORDERED_COLUMNS)["level"] == ["normal", "watch", "warning", "critical"]
    for column in ("level", "action", "responder"):
        assert rows[column].dtype == pd.CategoricalDtype(dict(anbu.ORDERED_COLUMNS)[column], ordered=True)
    # The most severe level, not the last in the alphabet ('watch').
    assert rows.level.max() == "critical"
    assert (rows[rows.level >= "warning"].level.isin(["warning", "critical"])).all()
    prows = anbu.replay(FIXTURES / "events.csv", persons, profiles=profiles, output="polars")
    assert prows["level"].dtype == pl.Enum(["normal", "watch", "warning", "critical"])
    assert prows["level"].max() == "critical"
    assert prows.filter(pl.col("level") >= "warning").height == int((rows.level >= "warning").sum())
    report = anbu.backtest(rows, [], persons)
    assert report.episodes()["kind"].dtype == pd.CategoricalDtype(["true", "early", "false"], ordered=True)
    assert report._repr_markdown_() == report.to_markdown()

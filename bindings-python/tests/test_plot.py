"""anbu.plot.timeline: the person's rows only, in their local time, within a window, with
incidents; drawn with matplotlib's Agg canvas (Figure objects need no display)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import polars as pl
import pytest
from matplotlib.figure import Figure

import anbu
from anbu.plot import INCIDENT_COLOR, timeline, timeline_data


@pytest.fixture(scope="module")
def cohort() -> anbu.Cohort:
    return anbu.simulate(persons=8, days=6, seed=4, recent_incidents=2, output="polars")


@pytest.fixture(scope="module")
def rows(cohort: anbu.Cohort) -> pl.DataFrame:
    replayed: pl.DataFrame = anbu.replay(cohort.events, cohort.persons)
    return replayed


@pytest.fixture(scope="module")
def person(cohort: anbu.Cohort) -> str:
    name: str = cohort.incidents["person"][0]
    return name


def _as(kind: str, frame: pl.DataFrame) -> Any:
    return {"polars": frame, "pandas": frame.to_pandas(), "arrow": frame.to_arrow(), "dicts": frame.to_dicts()}[kind]


@pytest.mark.parametrize("kind", ["polars", "pandas", "arrow", "dicts"])
def test_only_the_persons_rows_in_local_time(cohort: anbu.Cohort, rows: pl.DataFrame, person: str, kind: str) -> None:
    data = timeline_data(_as(kind, cohort.events), _as(kind, rows), person, persons=_as(kind, cohort.persons))
    assert data.tz == "Asia/Seoul"
    expected = anbu.events(cohort.events.filter(pl.col("person") == person))
    assert data.events == sorted(expected, key=lambda e: e.ts)
    assert all(t == e.ts and t.utcoffset() == timedelta(hours=9) for e, t in zip(data.events, data.times))
    mine = rows.filter(pl.col("person") == person)
    assert [r["at"] for r in data.rows] == mine["at"].to_list()
    assert all(r["at"].utcoffset() == timedelta(hours=9) for r in data.rows)
    assert [r["level"] for r in data.rows] == mine["level"].cast(pl.String).to_list()


def test_a_file_and_objects(tmp_path: Path, cohort: anbu.Cohort, rows: pl.DataFrame, person: str) -> None:
    anbu.write_events(cohort.events, tmp_path / "events.csv")
    objects = anbu.replay(cohort.events, cohort.persons, output="objects")
    from_file = timeline_data(str(tmp_path / "events.csv"), objects, person)
    assert from_file.events == timeline_data(cohort.events, rows, person).events
    assert len(from_file.rows) == rows.filter(pl.col("person") == person).height


def test_the_profiles_time_zone(cohort: anbu.Cohort, rows: pl.DataFrame, person: str) -> None:
    berlin = {"name": "berlin", "extends": "full", "timezone": "Europe/Berlin"}
    data = timeline_data(cohort.events, rows, person, persons={person: "berlin"}, profiles=[berlin])
    assert data.tz == "Europe/Berlin"
    assert data.times[0].utcoffset() == timedelta(hours=2)  # May: summer time
    assert timeline_data(cohort.events, rows, person, tz="UTC").times[0].utcoffset() == timedelta(0)
    assert timeline_data(cohort.events, rows, person).tz == "Asia/Seoul"


def test_a_window_and_incidents(cohort: anbu.Cohort, rows: pl.DataFrame, person: str) -> None:
    first = cohort.events.filter(pl.col("person") == person)["ts"].min()
    assert isinstance(first, datetime)
    start, end = first + timedelta(days=1), first + timedelta(days=2)
    data = timeline_data(cohort.events, rows, person, incidents=cohort.incidents, start=start, end=end.isoformat())
    assert data.events and data.rows
    assert all(start <= t <= end for t in data.times) and all(start <= r["at"] <= end for r in data.rows)
    whole = timeline_data(cohort.events, rows, person)
    assert len(data.rows) == sum(start <= r["at"] <= end for r in whole.rows) < len(whole.rows)
    assert (data.start, data.end) == (start, end)
    incidents = cohort.incidents.filter(pl.col("person") == person)
    found = timeline_data(cohort.events, rows, person, incidents=incidents.to_pandas())
    assert [s for s, _ in found.incidents] == incidents["start"].to_list()
    # An incident still open (no end) in a pandas table: NaT.
    open_ended = pd.DataFrame({"person": [person], "start": [first + timedelta(hours=30)], "end": [pd.NaT]})
    assert timeline_data(cohort.events, rows, person, incidents=open_ended).incidents == [(first + timedelta(hours=30), None)]


def test_the_figure(tmp_path: Path, cohort: anbu.Cohort, rows: pl.DataFrame, person: str) -> None:
    import matplotlib.dates as mdates

    began = cohort.incidents.filter(pl.col("person") == person)["start"][0]
    start, end = began - timedelta(days=2), began + timedelta(hours=12)
    fig = timeline(cohort.events, rows, person, persons=cohort.persons, incidents=cohort.incidents, start=start, end=end)
    assert isinstance(fig, Figure)
    ax_events, ax_score = fig.axes
    assert ax_score.get_xlabel() == "local time (Asia/Seoul)"
    lo, hi = ax_score.get_xlim()
    assert (mdates.num2date(lo), mdates.num2date(hi)) == (start, end)
    hatched = [p for p in ax_score.patches if p.get_hatch() == "//"]
    rgb = tuple(int(INCIDENT_COLOR[i : i + 2], 16) / 255 for i in (1, 3, 5))
    assert len(hatched) == 1 and tuple(hatched[0].get_edgecolor()[:3]) == pytest.approx(rgb)
    # An open incident is hatched from its start to the window's end.
    x0, x1 = hatched[0].get_x(), hatched[0].get_x() + hatched[0].get_width()
    assert (mdates.num2date(x0), mdates.num2date(x1)) == (began, end)
    # Ticks on Seoul's clock: at whole local hours, and labelled as Seoul reads them.
    fig.canvas.draw()
    seoul = ZoneInfo("Asia/Seoul")
    ticks = [mdates.num2date(t, tz=seoul) for t in ax_score.get_xticks()]
    assert ticks and all(t.minute == 0 for t in ticks)
    labels = ax_score.xaxis.get_major_formatter().format_ticks(ax_score.get_xticks())
    hourly = [(t, label) for t, label in zip(ticks, labels) if ":" in label]
    assert hourly and all(label == t.strftime("%H:%M") for t, label in hourly)
    fig.savefig(tmp_path / "timeline.png")
    with pytest.raises(ValueError, match="no events and no assessments"):
        timeline(cohort.events, rows, person, start=datetime(2030, 1, 1, tzinfo=timezone.utc))

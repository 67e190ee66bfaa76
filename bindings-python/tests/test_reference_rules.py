"""The fixed plug rule of `benches/reference/`, in pandas and in polars, raises its alert at
exactly the same (person, hour) as anbu's replay with the same rule as a profile."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest

import anbu

from conftest import REPO

sys.path.insert(0, str(REPO / "benches" / "reference"))

import common  # noqa: E402
import plug_rule_pandas  # noqa: E402
import plug_rule_polars  # noqa: E402


@pytest.fixture(scope="module")
def plug_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated cohort's plug events, as CSV (all three read the same file)."""
    cohort = anbu.simulate(persons=60, days=6, seed=11)
    events = cohort.events[cohort.events["signal"] == "plug"]
    path = tmp_path_factory.mktemp("reference") / "plug_events.csv"
    common.write_events_csv(events, path)
    return path


def anbu_fixed_rows(path: Path) -> pd.DataFrame:
    plug_persons = pd.read_csv(path, usecols=["person"])["person"].unique()
    persons: dict[str, Any] = {p: "plug_24h_fixed" for p in plug_persons}
    rows: pd.DataFrame = anbu.replay(str(path), persons, profiles=[common.ANBU_FIXED_PROFILE])
    return rows


def test_pandas_polars_and_anbu_agree_on_the_alerts(plug_csv: Path) -> None:
    by_pandas = plug_rule_pandas.plug_alerts(plug_rule_pandas.read_events(plug_csv))
    by_polars = plug_rule_polars.plug_alerts(plug_rule_polars.read_events(plug_csv))
    by_anbu = anbu_fixed_rows(plug_csv)

    # The same grid, row for row.
    grid = by_anbu[["person", "at"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(by_pandas[["person", "at"]], grid, check_dtype=False)
    pd.testing.assert_frame_equal(by_polars.select("person", "at").to_pandas(), grid, check_dtype=False)

    alerts = common.alert_set(by_anbu)
    assert len(alerts) > 50, "the cohort should raise alerts"
    assert common.alert_set(by_pandas) == alerts
    assert common.alert_set(by_polars) == alerts
    episodes = plug_rule_pandas.episodes(by_pandas)
    assert episodes == plug_rule_polars.episodes(by_polars) > 0


def test_the_rule_counts_from_the_last_change_of_any_plug() -> None:
    """Two plugs: a change on either restarts the silence; a repeat (within tolerance) does
    not; a missing light reading compares power alone."""
    t0 = pd.Timestamp("2024-05-01T00:00:00Z")
    rows = [
        ("p-1", t0, "plug-tv", 0.5, 10.0),
        ("p-1", t0 + pd.Timedelta(hours=1), "plug-tv", 4.0, 12.0),  # within 5 W: no change
        ("p-1", t0 + pd.Timedelta(hours=10), "plug-lamp", 0.0, None),
        ("p-1", t0 + pd.Timedelta(hours=20), "plug-lamp", 60.0, None),  # a change at 20 h
        ("p-1", t0 + pd.Timedelta(hours=50), "plug-tv", 4.5, 100.0),  # light: a change at 50 h
        ("p-1", t0 + pd.Timedelta(hours=80), "plug-tv", 4.5, 110.0),
    ]
    events = pd.DataFrame(rows, columns=["person", "ts", "device", "watts", "lux"]).assign(signal="plug")
    by_pandas = plug_rule_pandas.plug_alerts(events)
    by_polars = plug_rule_polars.plug_alerts(pl.from_pandas(events))
    hours = [int((at - t0) / pd.Timedelta(hours=1)) for at in by_pandas.loc[by_pandas["alert"], "at"]]
    assert hours == list(range(44, 50)) + list(range(74, 81))
    assert by_polars["alert"].to_list() == by_pandas["alert"].tolist()
    assert plug_rule_pandas.episodes(by_pandas) == plug_rule_polars.episodes(by_polars) == 2

    persons = {"p-1": "plug_24h_fixed"}
    by_anbu = anbu.replay(events, persons, profiles=[common.ANBU_FIXED_PROFILE])
    assert common.alert_set(by_anbu) == common.alert_set(by_pandas)

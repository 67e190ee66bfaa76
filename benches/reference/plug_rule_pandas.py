"""The fixed smart-plug rule (`plug_only`, 24 h without a change), vectorised in pandas.

For each person with a plug, on the hourly grid of the spec's Replays section (every whole
hour from the person's first plug reading to the last event of the input), the person is in
alert (`warning`) when no plug of theirs has changed its power or light for 24 h or more. A
reading changes against the previous reading of the same device (see `common.py` for the
tolerances); a person's first reading is not a change, and silence counts from the last
change, or from the person's first reading. No Python loop per row or per person: sorting,
shifted columns and one `merge_asof`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from common import (
    HOUR_MS,
    LUX_TOLERANCE,
    RELATIVE_TOLERANCE,
    RULE_COLUMNS,
    THRESHOLD_H,
    WATTS_TOLERANCE,
)


def read_events(path: Path) -> pd.DataFrame:
    """The rule's columns of an events CSV, times parsed (aware, UTC)."""
    events = pd.read_csv(
        path,
        usecols=RULE_COLUMNS,
        dtype={"person": "str", "signal": "str", "device": "str", "watts": "float64", "lux": "float64"},
    )
    events["ts"] = pd.to_datetime(events["ts"], format="ISO8601", utc=True)
    return events


def _epoch_ms(ts: pd.Series) -> np.ndarray:
    ms: np.ndarray = pd.to_datetime(ts, utc=True).dt.as_unit("ms").astype("int64").to_numpy()
    return ms


def _changed(current: np.ndarray, previous: np.ndarray, tolerance: float) -> np.ndarray:
    """|Δ| > max(tolerance, relative × the larger value); False where either value is missing."""
    allowed = np.maximum(tolerance, RELATIVE_TOLERANCE * np.maximum(current, previous))
    changed: np.ndarray = np.abs(current - previous) > allowed
    return changed


def plug_alerts(events: pd.DataFrame, threshold_h: float = THRESHOLD_H) -> pd.DataFrame:
    """One row per person with a plug and grid hour: `person`, `at` (UTC), `silent_h` (hours
    since the last change), `alert` and `level` (`warning` or `normal`), in person, at order."""
    ts = _epoch_ms(events["ts"])
    end = int(ts.max())
    is_plug = (events["signal"] == "plug").to_numpy()
    plug = pd.DataFrame(
        {
            "person": events["person"].to_numpy()[is_plug],
            "device": events["device"].fillna("plug").to_numpy()[is_plug],
            "ts": ts[is_plug],
            "watts": events["watts"].to_numpy(dtype="float64")[is_plug],
            "lux": events["lux"].to_numpy(dtype="float64")[is_plug],
        }
    ).sort_values(["person", "device", "ts"], kind="stable", ignore_index=True)

    # A reading changes against the previous reading of the same device.
    person = plug["person"].to_numpy()
    device = plug["device"].to_numpy()
    same_device = np.zeros(len(plug), dtype=bool)
    same_device[1:] = (person[1:] == person[:-1]) & (device[1:] == device[:-1])
    watts = plug["watts"].to_numpy()
    lux = plug["lux"].to_numpy()
    prev_watts = np.r_[np.nan, watts[:-1]]
    prev_lux = np.r_[np.nan, lux[:-1]]
    changed = same_device & (
        _changed(watts, prev_watts, WATTS_TOLERANCE) | _changed(lux, prev_lux, LUX_TOLERANCE)
    )

    # Silence counts from the last change, or from the person's first reading.
    first = plug.groupby("person", sort=True)["ts"].min()
    anchors = pd.concat(
        [
            pd.DataFrame({"person": person[changed], "since": plug["ts"].to_numpy()[changed]}),
            pd.DataFrame({"person": first.index.to_numpy(), "since": first.to_numpy()}),
        ],
        ignore_index=True,
    ).sort_values("since", kind="stable")

    # The grid: every whole hour from the person's first reading to the last event.
    start = -(-first.to_numpy() // HOUR_MS) * HOUR_MS
    hours = np.where(end >= start, (end - start) // HOUR_MS + 1, 0)
    offsets = np.arange(int(hours.sum())) - np.repeat(np.cumsum(hours) - hours, hours)
    grid = pd.DataFrame(
        {
            "person": np.repeat(first.index.to_numpy(), hours),
            "at": np.repeat(start, hours) + offsets * HOUR_MS,
        }
    ).sort_values("at", kind="stable")

    rows = pd.merge_asof(grid, anchors, left_on="at", right_on="since", by="person")
    rows = rows.sort_values(["person", "at"], kind="stable", ignore_index=True)
    silent_ms = rows["at"].to_numpy() - rows["since"].to_numpy()
    alert = silent_ms >= threshold_h * HOUR_MS
    return pd.DataFrame(
        {
            "person": rows["person"],
            "at": pd.to_datetime(rows["at"], unit="ms", utc=True),
            "silent_h": silent_ms / HOUR_MS,
            "alert": alert,
            "level": np.where(alert, "warning", "normal"),
        }
    )


def episodes(alerts: pd.DataFrame) -> int:
    """Alert episodes: runs of consecutive alert hours of one person."""
    alert = alerts["alert"].to_numpy()
    person = alerts["person"].to_numpy()
    starts = alert.copy()
    starts[1:] &= ~alert[:-1] | (person[1:] != person[:-1])
    return int(starts.sum())


if __name__ == "__main__":
    import sys

    table = plug_alerts(read_events(Path(sys.argv[1])))
    print(table[table["alert"]].to_string(max_rows=40))
    print(f"{len(table)} person-hours, {int(table['alert'].sum())} in alert, {episodes(table)} episodes")

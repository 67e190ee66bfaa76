"""The fixed smart-plug rule (`plug_only`, 24 h without a change), vectorised in polars.

The same rule as `plug_rule_pandas.py` (see its docstring and `common.py`): for each person
with a plug, on the hourly grid from the person's first plug reading to the last event of the
input, alert (`warning`) when no plug of theirs has changed its power or light for 24 h or
more. Expressions only: sorting, shifted columns, `int_ranges` for the grid and one
`join_asof`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from common import (
    HOUR_MS,
    LUX_TOLERANCE,
    RELATIVE_TOLERANCE,
    RULE_COLUMNS,
    THRESHOLD_H,
    WATTS_TOLERANCE,
)


def read_events(path: Path) -> pl.DataFrame:
    """The rule's columns of an events CSV, times parsed (aware, UTC)."""
    return pl.read_csv(
        path,
        columns=RULE_COLUMNS,
        schema_overrides={"person": pl.String, "signal": pl.String, "device": pl.String,
                          "watts": pl.Float64, "lux": pl.Float64},
    ).with_columns(pl.col("ts").str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", time_unit="ms", time_zone="UTC"))


def _changed(column: str, tolerance: float) -> pl.Expr:
    """|Δ| against the previous row > max(tolerance, relative × the larger value); null where
    either value is missing."""
    current, previous = pl.col(column), pl.col(column).shift(1)
    allowed = pl.max_horizontal(pl.lit(tolerance), RELATIVE_TOLERANCE * pl.max_horizontal(current, previous))
    return ((current - previous).abs() > allowed) & current.is_not_null() & previous.is_not_null()


def plug_alerts(events: pl.DataFrame, threshold_h: float = THRESHOLD_H) -> pl.DataFrame:
    """One row per person with a plug and grid hour: `person`, `at` (UTC), `silent_h` (hours
    since the last change), `alert` and `level` (`warning` or `normal`), in person, at order."""
    end = events.select(pl.col("ts").dt.epoch("ms").max()).item()
    plug = (
        events.lazy()
        .filter(pl.col("signal") == "plug")
        .select(
            "person",
            pl.col("device").fill_null("plug"),
            pl.col("ts").dt.epoch("ms").alias("ts"),
            "watts",
            "lux",
        )
        .sort("person", "device", "ts", maintain_order=True)
        .with_columns(
            # A reading changes against the previous reading of the same device.
            changed=(
                (pl.col("person") == pl.col("person").shift(1))
                & (pl.col("device") == pl.col("device").shift(1))
                & (_changed("watts", WATTS_TOLERANCE) | _changed("lux", LUX_TOLERANCE))
            ).fill_null(False)
        )
    )
    first = plug.group_by("person").agg(first=pl.col("ts").min())
    # Silence counts from the last change, or from the person's first reading.
    anchors = pl.concat(
        [
            plug.filter(pl.col("changed")).select("person", since=pl.col("ts")),
            first.select("person", since=pl.col("first")),
        ]
    ).sort("since")
    # The grid: every whole hour from the person's first reading to the last event.
    grid = (
        first.with_columns(start=((pl.col("first") + HOUR_MS - 1) // HOUR_MS) * HOUR_MS)
        .filter(pl.col("start") <= end)
        .select("person", at=pl.int_ranges("start", end + 1, HOUR_MS))
        .explode("at")
        .sort("at")
    )
    frames = pl.collect_all([grid, anchors])
    silent_ms = pl.col("at") - pl.col("since")
    return (
        frames[0]
        .join_asof(frames[1], left_on="at", right_on="since", by="person", check_sortedness=False)
        .sort("person", "at")
        .select(
            "person",
            pl.col("at").cast(pl.Datetime("ms", "UTC")),
            silent_h=silent_ms / HOUR_MS,
            alert=silent_ms >= threshold_h * HOUR_MS,
        )
        .with_columns(level=pl.when("alert").then(pl.lit("warning")).otherwise(pl.lit("normal")))
    )


def episodes(alerts: pl.DataFrame) -> int:
    """Alert episodes: runs of consecutive alert hours of one person."""
    starts = pl.col("alert") & ~(
        (pl.col("alert").shift(1) & (pl.col("person") == pl.col("person").shift(1))).fill_null(False)
    )
    return int(alerts.select(starts.sum()).item())


if __name__ == "__main__":
    import sys

    table = plug_alerts(read_events(Path(sys.argv[1])))
    print(table.filter("alert"))
    print(f"{table.height} person-hours, {table['alert'].sum()} in alert, {episodes(table)} episodes")

"""The triage queue: persons with a district and a caseworker, ranked by the core's urgency."""

from __future__ import annotations

import pytest

import anbu

T0 = "2024-05-01T09:00:00+09:00"
AT = "2024-05-01T10:00:00+09:00"


def engine() -> anbu.Engine:
    e = anbu.Engine()
    e.add_person("p-1", "full", district="gangbuk", caseworker="cw-1")
    e.add_person("p-2", "full", district="gangbuk", caseworker="cw-2")
    e.add_persons([{"person": "p-3", "profile": "full", "district": "nowon", "caseworker": "cw-1"}])
    e.add_person("p-4", "full", district="gangbuk", caseworker="cw-1")
    for p in ("p-1", "p-3", "p-4"):
        e.ingest({"person": p, "ts": T0, "signal": "heartbeat"})
    e.ingest({"person": "p-4", "ts": T0, "signal": "sos"})
    return e


def test_queue_by_caseworker_and_district_most_urgent_first() -> None:
    e = engine()
    assert [a.person for a in e.triage(AT, caseworker="cw-1")] == ["p-4", "p-1", "p-3"]
    assert [a.person for a in e.triage(AT, district="gangbuk")] == ["p-4", "p-1", "p-2"]
    assert [a.person for a in e.triage(AT, district="gangbuk", level="warning")] == ["p-4"]
    rows = {p["person"]: p for p in e.persons()}
    assert (rows["p-3"]["district"], rows["p-3"]["caseworker"]) == ("nowon", "cw-1")
    # Survives a snapshot.
    assert [p["district"] for p in anbu.Engine.restore(e.snapshot()).persons()] == ["gangbuk"] * 2 + ["nowon", "gangbuk"]


def test_bad_values_are_clear_errors() -> None:
    e = engine()
    with pytest.raises(anbu.InvalidArgumentError, match="level"):
        e.triage(AT, level="urgent")
    with pytest.raises(anbu.InvalidEventError, match="caseworker"):
        e.add_person("p-9", "full", caseworker="010-1234-5678")


def test_profile_replace_overrides_a_built_in_for_one_run() -> None:
    c = anbu.simulate(persons=6, days=4, seed=2)
    all_day = anbu.Profile("full").replace(
        {
            "schedule.office_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "schedule.office_start": "00:00",
            "schedule.office_end": "24:00",
            "schedule.calendar": "none",
        }
    )
    assert all_day.name == "full"
    persons = c.persons.assign(profile="full")
    base = anbu.replay(c.events, persons)
    over = anbu.replay(c.events, persons, profiles=[all_day])
    assert (base.responder == "control_center").any()
    assert (over.responder == "day_office").all()
    with pytest.raises(anbu.InvalidProfileError, match="routine.sensitivty"):
        anbu.Profile("full").replace({"routine.sensitivty": 1})
    with pytest.raises(TypeError):
        anbu.Profile("full").replace({"x": object()})


def test_replay_window_start_and_end() -> None:
    c = anbu.simulate(persons=5, days=3, seed=4)
    whole = anbu.replay(c.events, c.persons, output="polars")
    last = whole["at"].max()
    start = whole["at"].min() + (last - whole["at"].min()) / 2
    start = start.replace(minute=0, second=0, microsecond=0)
    end = last + __import__("datetime").timedelta(hours=30)
    window = anbu.replay(c.events, c.persons, output="polars", start=start, end=end)
    assert window["at"].min() >= start and window["at"].max() == end
    # From `start` to the input's last event, the rows are the whole replay's.
    import polars as pl

    head = window.filter(pl.col("at") <= last)
    assert head.equals(whole.filter(pl.col("at") >= start))
    # Past the last event, everyone is still assessed every hour up to `end`.
    assert window.filter(pl.col("at") == end).height == whole["person"].n_unique()
    closed = anbu.replay_closed_loop(c.events, c.persons, c, output="objects", end=end)
    assert max(a.at for a in closed) == end
    with pytest.raises(anbu.InvalidArgumentError, match="end"):
        anbu.replay(c.events, c.persons, start=end, end=start)
    with pytest.raises(anbu.InvalidArgumentError, match="start"):
        anbu.replay(c.events, c.persons, start="yesterday")

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

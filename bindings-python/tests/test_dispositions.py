"""Dispositions: what a call or a visit found passes through every event input (objects,
dicts, Arrow tables) to the core, which acts on it (issue 16, item 3)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import anbu

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone(timedelta(hours=9)))


def found(finding: str) -> dict[str, object]:
    return {"person": "p-1", "ts": T0, "signal": "disposition", "device": "visit", "finding": finding}


def test_an_unreachable_person_is_critical_by_every_input() -> None:
    engine = anbu.Engine()
    engine.add_person("p-1", "call_only")
    engine.ingest(anbu.Event.from_dict(found("unreachable")))
    a = engine.assess("p-1", T0 + timedelta(hours=1))
    assert (a.level, a.action) == ("critical", "dispatch")
    assert any(r.kind == "disposition" and r.signal == "disposition" for r in a.reasons)
    rows = anbu.replay([found("unreachable")], {"p-1": "call_only"}, output="objects")
    assert [(r.level, r.action) for r in rows] == [("critical", "dispatch")]
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pylist([found("unreachable")])
    assert anbu.replay(table, {"p-1": "call_only"}, output="objects") == rows


def test_a_finding_is_checked_by_the_core() -> None:
    e = anbu.Event("p-1", T0, "disposition", finding="fine")
    assert e.to_dict()["finding"] == "fine"
    with pytest.raises(anbu.AnbuError) as err:
        anbu.Event("p-1", T0, "disposition", finding="ok")
    assert "field `finding`: unknown value `ok`, expected one of: fine, away, hospital" in str(err.value)
    with pytest.raises(anbu.AnbuError, match=r"field `finding`: required for signal `disposition`"):
        anbu.Event("p-1", T0, "disposition")
    with pytest.raises(anbu.AnbuError, match=r"field `finding`: does not apply to signal `checkin`"):
        anbu.Event("p-1", T0, "checkin", outcome="missed", finding="fine")


def test_emergency_and_deceased_findings_are_the_incidents_of_recorded_data() -> None:
    h = timedelta(hours=1)
    events = [
        {"person": "p-1", "ts": T0, "signal": "door", "device": "door-front", "state": "open"},
        found("fine"),
        {**found("emergency"), "ts": T0 + 30 * h},
        {**found("deceased"), "ts": T0 + 31 * h},
        {**found("unreachable"), "person": "p-2"},
    ]
    persons = {"p-1": "full", "p-2": "full"}
    incidents = anbu.labels_from_dispositions(events, persons)
    # From the fine visit (a sign of life) to the first finding, labelled with it; one per silence.
    assert incidents == [{"person": "p-1", "start": T0, "end": T0 + 30 * h, "kind": "emergency"}]
    with pytest.raises(anbu.InvalidEventError, match=r"^row 4: field `person`: `p-2` is not in persons$"):
        anbu.labels_from_dispositions(events, {"p-1": "full"})

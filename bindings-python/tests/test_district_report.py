"""The per-district report (the core's `anbu::report`) on a scripted month: the counts are
known by construction from the script. The Node test shows the same rows."""

from __future__ import annotations

from typing import Any

import pytest

import anbu

START, END = "2024-05-01T00:00:00+09:00", "2024-06-01T00:00:00+09:00"
PERSONS = [
    {"person": "p-1", "profile": "full", "district": "gangbuk"},
    {"person": "p-2", "profile": "full", "district": "gangbuk"},
    {"person": "p-3", "profile": "full", "district": "nowon"},
    {"person": "p-4", "profile": "full"},
]
# In May: automatic calls p-1 x2 (gangbuk), p-3 x1 (nowon); a staff call to p-1 (gangbuk), a
# text p-3 answered (nowon); p-2 found fine by a staff visit, p-4 found in an emergency by 119.
# Not counted: p-1's call in April.
EVENTS = [
    {"person": "p-1", "ts": "2024-04-30T10:00:00+09:00", "signal": "checkin", "outcome": "answered"},
    {"person": "p-1", "ts": "2024-05-02T10:00:00+09:00", "signal": "checkin", "outcome": "missed"},
    {"person": "p-1", "ts": "2024-05-02T11:00:00+09:00", "signal": "checkin", "outcome": "answered"},
    {"person": "p-2", "ts": "2024-05-03T10:00:00+09:00", "signal": "disposition", "finding": "fine", "by": "visit"},
    {"person": "p-3", "ts": "2024-05-31T23:00:00+09:00", "signal": "checkin", "outcome": "missed"},
    {"person": "p-1", "ts": "2024-05-03T10:00:00+09:00", "signal": "checkin", "outcome": "answered", "by": "staff"},
    {"person": "p-3", "ts": "2024-05-04T10:00:00+09:00", "signal": "checkin", "outcome": "sms_reply", "by": "staff"},
    {"person": "p-4", "ts": "2024-05-10T10:00:00+09:00", "signal": "disposition", "finding": "emergency", "by": "119"},
]
# Risk signals (warning or above): p-1 twice (one household), p-4. Not: p-3 at watch.
ASSESSED = [("p-1", "2024-05-02T11:00:00+09:00", "warning"), ("p-1", "2024-05-02T12:00:00+09:00", "critical"),
            ("p-3", "2024-05-31T23:00:00+09:00", "watch"), ("p-4", "2024-05-10T09:00:00+09:00", "critical")]


def assessments() -> Any:
    pa = pytest.importorskip("pyarrow")
    return pa.table({
        "person": [a[0] for a in ASSESSED],
        "at": [a[1] for a in ASSESSED],
        "score": [0.0] * len(ASSESSED),
        "level": [a[2] for a in ASSESSED],
        "action": ["none"] * len(ASSESSED),
        "responder": ["day_office"] * len(ASSESSED),
    })


EXPECTED = [
    ("gangbuk", {"households": 2, "risk_households": 1, "auto_calls": 2, "staff_calls": 1, "visits_staff": 1, "found_fine": 1}),
    ("nowon", {"households": 1, "auto_calls": 1, "texts": 1}),
    (None, {"households": 1, "risk_households": 1, "visits_119": 1, "found_emergency": 1}),
]


def test_a_scripted_month_per_district() -> None:
    rows = anbu.district_report(EVENTS, PERSONS, assessments(), START, END, output="records")
    assert [r["district"] for r in rows] == [d for d, _ in EXPECTED]
    for r, (_, counts) in zip(rows, EXPECTED):
        nonzero = {k: v for k, v in r.items() if k != "district" and v}
        assert nonzero == counts
    assert len(rows[0]) == 16
    frame = anbu.district_report(EVENTS, PERSONS, assessments(), START, END, output="polars")
    assert frame.columns[:4] == ["district", "households", "risk_households", "auto_calls"]
    assert frame["auto_calls"].to_list() == [2, 1, 0]


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(anbu.InvalidArgumentError, match="end"):
        anbu.district_report(EVENTS, PERSONS, assessments(), END, START)
    with pytest.raises(anbu.UnknownPersonError):
        anbu.district_report(EVENTS, PERSONS[:3], assessments(), START, END)

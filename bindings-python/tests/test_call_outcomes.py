"""Call outcomes and who called (issue 16): `unreachable`, `sms_reply` and the `by` field pass
through every event input to the core, which checks them."""

from __future__ import annotations

import pyarrow as pa
import pytest

import anbu

T0 = "2024-05-01T08:00:00+09:00"
PERSONS = {"p-1": "call_only"}
EVENTS: list[dict[str, object]] = [
    {"person": "p-1", "ts": T0, "signal": "checkin", "outcome": "unreachable"},
    {"person": "p-1", "ts": "2024-05-01T09:00:00+09:00", "signal": "checkin", "outcome": "sms_reply", "by": "staff"},
    {"person": "p-1", "ts": "2024-05-01T10:00:00+09:00", "signal": "disposition", "finding": "fine", "by": "119"},
]


def test_new_outcomes_and_by_give_the_same_rows_by_every_input() -> None:
    rows = anbu.replay(EVENTS, PERSONS, output="objects")
    events = [anbu.Event.from_dict(d) for d in EVENTS]
    assert events[1].to_dict()["by"] == "staff"
    assert events[2].to_dict()["by"] == "119"
    assert "by" not in events[0].to_dict()
    assert anbu.replay(events, PERSONS, output="objects") == rows
    # Every row with every key: `from_pylist` takes its columns from the first row's.
    keys = sorted({k for d in EVENTS for k in d})
    table = pa.Table.from_pylist([{k: d.get(k) for k in keys} for d in EVENTS])
    assert anbu.replay(table, PERSONS, output="objects") == rows


def test_by_is_checked_by_the_core() -> None:
    wrong = [
        ({"outcome": "missed", "by": "visit"}, "`visit` does not apply to signal `checkin`, expected one of: auto, staff"),
        ({"finding": "fine", "by": "staff"}, "expected one of: call, visit, police, 119"),
    ]
    for fields, message in wrong:
        signal = "disposition" if "finding" in fields else "checkin"
        with pytest.raises(anbu.InvalidEventError, match="field `by`: ") as err:
            anbu.Event("p-1", T0, signal, **fields)
        assert message in str(err.value)

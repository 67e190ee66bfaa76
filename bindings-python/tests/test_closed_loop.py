"""replay_closed_loop: the check-in calls the assessments ask for are placed and answered."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import anbu
from conftest import FIXTURES, frame_rows, normal_rows

T0 = datetime(2024, 4, 30, 15, 0, tzinfo=timezone.utc)  # 2024-05-01 00:00 in Seoul


def silent_person() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Three ordinary days (TV evenings, the door, steps, calls), then silence for two days."""
    events: list[dict[str, Any]] = []

    def at(h: float) -> str:
        return (T0 + timedelta(hours=h)).isoformat()

    for d in range(3):
        b = d * 24
        for q in range(96):
            h = b + q / 4
            hod = h % 24
            watts = 85.0 if 8 <= hod < 12 or 18 <= hod < 23 else 0.5
            events.append({"person": "p-1", "ts": at(h), "signal": "plug", "device": "plug-tv", "watts": watts, "lux": 80.0})
        for h in (9.5, 11.0):
            events.append({"person": "p-1", "ts": at(b + h), "signal": "door", "device": "door-front", "state": "open"})
            events.append({"person": "p-1", "ts": at(b + h + 0.02), "signal": "door", "device": "door-front", "state": "closed"})
        for h in range(24):
            steps = 1500 if 9 <= h < 11 else 120 if 7 <= h < 23 else 0
            events.append({"person": "p-1", "ts": at(b + h + 0.99), "signal": "steps", "device": "phone", "steps": steps, "interval_s": 3600})
        for h in (8.2, 13.1, 20.4):
            events.append({"person": "p-1", "ts": at(b + h), "signal": "app", "device": "phone", "action": "unlock"})
        events.append({"person": "p-1", "ts": at(b + 19), "signal": "call", "device": "phone", "direction": "out", "answered": True})
    for q in range(72 * 4, 120 * 4):
        events.append({"person": "p-1", "ts": at(q / 4), "signal": "plug", "device": "plug-tv", "watts": 0.5, "lux": 80.0})
    return events, {"p-1": {"profile": "call_iot", "devices": "plug,door,phone,checkin"}}


LEVELS = ["normal", "watch", "warning", "critical"]


def worst(rows: list[anbu.Assessment]) -> str:
    return max((r.level for r in rows), key=LEVELS.index)


def test_answered_calls_hold_silence_where_the_open_loop_escalates() -> None:
    events, persons = silent_person()
    open_rows = anbu.replay(events, persons, output="objects")
    assert LEVELS.index(worst(open_rows)) >= LEVELS.index("warning")
    closed = anbu.replay_closed_loop(events, persons, anbu.AnswerRate(rate=1.0), output="objects")
    assert len(closed) == len(open_rows)
    assert {r.action for r in closed} <= {"none", "checkin_call"}
    assert worst(closed) == "watch"


def test_missed_calls_notify_then_dispatch() -> None:
    events, persons = silent_person()
    never = anbu.AnswerRate(rate=0.0)
    rows = anbu.replay_closed_loop(events, persons, never, output="objects")
    assert "dispatch" in {r.action for r in rows}
    # Calls at most every 5 hours: the first missed call notifies the caseworker, and their call
    # missed by day as well sends someone (the caseworker first, then the visit).
    rows = anbu.replay_closed_loop(events, persons, never, policy={"retry": "5h"}, output="objects")
    actions = [r.action for r in rows]
    assert "notify" in actions and "dispatch" in actions
    assert actions.index("notify") < actions.index("dispatch")
    # The same policy in milliseconds (a number for a duration, in every binding) and as a timedelta.
    for retry in (5 * 3_600_000, timedelta(hours=5)):
        again = anbu.replay_closed_loop(events, persons, never, policy={"retry": retry}, output="objects")
        assert again == rows


def test_matches_the_rust_closed_loop(persons: list[dict[str, Any]], profiles: list[Path]) -> None:
    lines = (FIXTURES / "closed_loop.jsonl").read_text().splitlines()
    expected = normal_rows([json.loads(line) for line in lines])
    rate = anbu.AnswerRate(rate=0.5, concern_rate=0.2, seed=7)
    for events in (FIXTURES / "events.jsonl", FIXTURES / "events.csv"):
        rows = anbu.replay_closed_loop(events, persons, rate, profiles=profiles)
        assert isinstance(rows, pd.DataFrame)
        assert frame_rows(rows) == expected
    # As objects, and with the rate given as a responder dict.
    objects = anbu.replay_closed_loop(FIXTURES / "events.jsonl", persons, rate, profiles=profiles, output="objects")
    assert normal_rows([a.to_dict() for a in objects]) == expected
    spec = {"answer_rate": {"rate": 0.5, "concern_rate": 0.2, "seed": 7}}
    rows = anbu.replay_closed_loop(FIXTURES / "events.jsonl", persons, spec, profiles=profiles, output="arrow")
    assert frame_rows(rows) == expected


def test_a_simulated_cohort_answers_its_calls() -> None:
    cohort = anbu.simulate(persons=8, days=5, seed=4, recent_incidents=1)
    assert cohort.responder == {"simulated": cohort.responder["simulated"]}
    assert cohort.responder["simulated"]["persons"] == 8
    rows = anbu.replay_closed_loop(cohort.events, cohort.persons, cohort)
    again = anbu.replay_closed_loop(cohort.events, cohort.persons, cohort.responder)
    assert frame_rows(rows) == frame_rows(again)
    assert len(rows) == len(anbu.replay(cohort.events, cohort.persons))


def test_a_callable_is_called_in_order_with_utc_times() -> None:
    events, persons = silent_person()
    calls: list[tuple[str, datetime, str]] = []

    def answer(person: str, at: datetime) -> str | None:
        calls.append((person, at, threading.current_thread().name))
        return "answered"

    rows = anbu.replay_closed_loop(events, persons, answer, output="objects")
    assert calls and all(p == "p-1" and at.tzinfo is not None for p, at, _ in calls)
    assert [at for _, at, _ in calls] == sorted(at for _, at, _ in calls)
    # Each call is placed 5 minutes after the assessment that asked for it.
    asked = [r.at for r in rows if r.action == "checkin_call"]
    assert all(at - timedelta(minutes=5) in asked for _, at, _ in calls)
    assert worst(rows) == "watch"
    # Each row after which a call was placed says so: one row per call, all automatic here.
    marked = [r for r in rows if r.call is not None]
    assert [r.at + timedelta(minutes=5) for r in marked] == [at for _, at, _ in calls]
    assert {(r.call, r.action) for r in marked} == {("auto", "checkin_call")}
    assert 'call="auto"' in repr(marked[0]) and marked[0].to_dict()["call"] == "auto"
    # In a DataFrame, an ordered column (auto before staff); none from an open replay; the
    # backtest counts them per 100 person-months.
    frame = anbu.replay_closed_loop(events, persons, answer)
    assert list(frame["call"].cat.categories) == ["auto", "staff"] and frame["call"].cat.ordered
    assert int((frame["call"] == "auto").sum()) == len(marked)
    assert anbu.replay(events, persons)["call"].isna().all()
    m = anbu.backtest(frame, [], persons).overall
    assert m["automatic_calls_placed_per_100_pm"] == pytest.approx(len(marked) * 100 / m["person_months"])
    assert m["staff_calls_placed_per_100_pm"] == 0


def test_a_callable_that_raises_stops_the_replay_with_its_exception() -> None:
    events, persons = silent_person()

    class Unreachable(Exception):
        pass

    def answer(person: str, at: datetime) -> str:
        raise Unreachable(f"no line to {person}")

    with pytest.raises(Unreachable, match="no line to p-1"):
        anbu.replay_closed_loop(events, persons, answer)


def test_a_callable_returning_a_wrong_value_names_it() -> None:
    events, persons = silent_person()
    with pytest.raises(anbu.InvalidArgumentError, match="`maybe`") as err:
        anbu.replay_closed_loop(events, persons, lambda person, at: "maybe")
    assert err.value.code == "ANBU_INVALID_ARGUMENT"
    assert "p-1" in str(err.value)
    with pytest.raises(anbu.InvalidArgumentError, match="`42`"):
        anbu.replay_closed_loop(events, persons, lambda person, at: 42)
    # None: no call could be placed, so silence escalates as in the open loop.
    rows = anbu.replay_closed_loop(events, persons, lambda person, at: None, output="objects")
    assert rows == anbu.replay(events, persons, output="objects")


def test_bad_rates_and_arguments() -> None:
    with pytest.raises(anbu.InvalidArgumentError, match="argument `rate`") as err:
        anbu.AnswerRate(rate=1.5)
    assert err.value.code == "ANBU_INVALID_ARGUMENT"
    with pytest.raises(anbu.InvalidArgumentError, match="argument `concern_rate`"):
        anbu.AnswerRate(rate=0.5, concern_rate=-0.1)
    with pytest.raises(anbu.InvalidArgumentError, match="rate"):
        anbu.replay_closed_loop([], {}, {"answer_rate": {"rate": 2}})
    with pytest.raises(anbu.InvalidArgumentError, match="unknown variant"):
        anbu.replay_closed_loop([], {}, {"phone_book": {}})
    with pytest.raises(TypeError, match="responder must be"):
        anbu.replay_closed_loop([], {}, 0.9)  # type: ignore[arg-type]
    events, persons = silent_person()
    with pytest.raises(anbu.InvalidArgumentError, match="argument `retry`: 0 ms is shorter than 1 minute"):
        anbu.replay_closed_loop(events, persons, anbu.AnswerRate(rate=1.0), policy={"retry": 0})
    with pytest.raises(anbu.InvalidArgumentError, match="'retries'"):
        anbu.replay_closed_loop(events, persons, anbu.AnswerRate(rate=1.0), policy={"retries": "1h"})
    a = anbu.AnswerRate(rate=0.9, concern_rate=0.05, seed=3)
    assert (a.rate, a.concern_rate, a.seed) == (0.9, 0.05, 3)
    assert repr(a) == "AnswerRate(rate=0.9, concern_rate=0.05, seed=3)"


def test_an_answer_rate_seed_is_read_by_the_core() -> None:
    # The same rule, error code and text as Node's `new AnswerRate(rate, 0, seed)`.
    assert anbu.AnswerRate(0.5, seed=7.0).seed == 7
    assert anbu.AnswerRate(0.5).seed == 0
    for bad, shown in [(-1, "-1"), (1.5, "1.5")]:
        with pytest.raises(anbu.InvalidArgumentError) as err:
            anbu.AnswerRate(0.5, seed=bad)
        assert err.value.code == "ANBU_INVALID_ARGUMENT"
        assert str(err.value) == f"argument `seed`: must be a whole number >= 0, got {shown}"

"""Every core error category raises its own class, with the core's message naming the row/field."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import anbu

T0 = "2024-05-01T10:00:00+09:00"
PERSONS = {"p-1": "full"}


def plug(watts: Any, **extra: Any) -> dict[str, Any]:
    return {"person": "p-1", "ts": T0, "signal": "plug", "watts": watts, **extra}


CLASSES = {
    "ANBU_INVALID_EVENT": anbu.InvalidEventError,
    "ANBU_FORMAT": anbu.FormatError,
    "ANBU_INVALID_PROFILE": anbu.InvalidProfileError,
    "ANBU_UNKNOWN_PROFILE": anbu.UnknownProfileError,
    "ANBU_UNKNOWN_PERSON": anbu.UnknownPersonError,
    "ANBU_LATE_EVENT": anbu.LateEventError,
    "ANBU_INVALID_ARGUMENT": anbu.InvalidArgumentError,
    "ANBU_SNAPSHOT": anbu.SnapshotError,
    "ANBU_IO": anbu.AnbuIOError,
    "ANBU_INTERRUPTED": anbu.AnbuInterruptedError,
}


@pytest.mark.parametrize("code", sorted(CLASSES))
def test_hierarchy(code: str) -> None:
    cls = CLASSES[code]
    assert issubclass(cls, anbu.AnbuError)
    assert cls.code == code
    assert cls.__module__ == "anbu"
    input_kind = code not in ("ANBU_IO", "ANBU_INTERRUPTED")
    assert issubclass(cls, ValueError) == input_kind
    assert issubclass(cls, OSError) == (code == "ANBU_IO")
    assert not issubclass(cls, builtins.InterruptedError)


def test_invalid_event_names_field() -> None:
    engine = anbu.Engine()
    engine.add_person("p-1", "full")
    with pytest.raises(anbu.InvalidEventError, match=r"^field `watts`: must be >= 0, got -3$") as e:
        engine.ingest(plug(-3))
    assert isinstance(e.value, ValueError)
    with pytest.raises(anbu.InvalidEventError, match="field `watts`: must be a number, got NaN"):
        anbu.Event("p-1", T0, "plug", watts=float("nan"))
    with pytest.raises(anbu.InvalidEventError, match="field `signal`: unknown value `plgu`"):
        anbu.Event("p-1", T0, "plgu")
    with pytest.raises(anbu.InvalidEventError, match="field `watts`: required for signal `plug`"):
        anbu.Event.from_dict({"person": "p-1", "ts": T0, "signal": "plug"})
    with pytest.raises(anbu.InvalidEventError, match="field `ts`: cannot parse `2024-05-01T10:00:00`"):
        anbu.Event("p-1", "2024-05-01T10:00:00", "sos")
    with pytest.raises(anbu.InvalidEventError, match="field `wats`: unknown field"):
        anbu.Event.from_dict(plug(3, wats=4))
    with pytest.raises(anbu.InvalidEventError, match="field `person`: looks like a phone number"):
        anbu.Event("010-1234-5678", T0, "sos")


def test_naive_datetime_is_refused_by_the_core() -> None:
    from datetime import datetime

    with pytest.raises(anbu.InvalidEventError, match="field `ts`: .*offset"):
        anbu.Event("p-1", datetime(2024, 5, 1, 10), "sos")


BAD_ROWS = [plug(1.0), plug(2.0), plug(-5.0), plug(3.0)]


@pytest.mark.parametrize(
    "make",
    [
        lambda: BAD_ROWS,
        lambda: pd.DataFrame(BAD_ROWS),
        lambda: pl.DataFrame(BAD_ROWS),
        lambda: pa.Table.from_pylist(BAD_ROWS),
    ],
    ids=["dicts", "pandas", "polars", "pyarrow"],
)
def test_batch_errors_name_the_row(make: Any) -> None:
    with pytest.raises(anbu.InvalidEventError, match=r"^row 2: field `watts`: must be >= 0, got -5$"):
        anbu.replay(make(), PERSONS)


def test_arrow_column_errors() -> None:
    table = pa.table({"person": ["p-1"], "ts": [T0], "signal": ["sos"], "colour": ["red"]})
    with pytest.raises(anbu.InvalidEventError, match="field `colour`: unknown field"):
        anbu.replay(table, PERSONS)
    naive = pa.table({"person": ["p-1"], "ts": pa.array([0], pa.timestamp("ms")), "signal": ["sos"]})
    with pytest.raises(anbu.InvalidEventError, match=r"row 0: field `ts`: cannot parse `1970-01-01T00:00:00`"):
        anbu.replay(naive, PERSONS)
    steps = pa.table({"person": ["p-1"], "ts": [T0], "signal": ["steps"], "steps": pa.array([-4], pa.int64())})
    with pytest.raises(anbu.InvalidEventError, match=r"row 0: field `steps`: expected a whole number >= 0, got `-4`"):
        anbu.replay(steps, PERSONS)
    nested = pa.table({"person": ["p-1"], "ts": [T0], "signal": ["sos"], "device": [[1, 2]]})
    with pytest.raises(TypeError, match="column `device`"):
        anbu.replay(nested, PERSONS)


def test_csv_errors_name_the_line(tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text(f"person,ts,signal,watts\np-1,{T0},plug,4\np-1,{T0},plug,-1\n")
    with pytest.raises(anbu.InvalidEventError, match=r"^line 3: field `watts`: must be >= 0, got -1$"):
        anbu.read_events(f)
    with pytest.raises(anbu.InvalidEventError, match=r"^line 3: field `watts`"):
        anbu.replay(f, PERSONS)
    lenient = anbu.read_events(f, skip_bad_rows=True)
    assert len(lenient) == 1 and lenient.skipped_count == 1
    assert isinstance(lenient.skipped[0], anbu.InvalidEventError)
    assert str(lenient.skipped[0]).startswith("line 3: field `watts`")


def test_format_error(tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text("who,ts\n")
    with pytest.raises(anbu.FormatError, match="line 1: unknown column `who`"):
        anbu.read_events(f)


def test_profile_errors() -> None:
    with pytest.raises(anbu.InvalidProfileError, match=r"profile `x`: key `inactivity.plug.threshold_h`: must be between"):
        anbu.Profile.from_dict({"name": "x", "inactivity": {"plug": {"threshold_h": -1}}})
    with pytest.raises(anbu.InvalidProfileError, match="invalid TOML"):
        anbu.Profile.from_toml("name = ")
    with pytest.raises(anbu.UnknownProfileError, match="unknown profile `nope`"):
        anbu.Profile("nope")
    engine = anbu.Engine()
    with pytest.raises(anbu.UnknownProfileError, match="unknown profile `nope`"):
        engine.add_person("p-1", "nope")
    with pytest.raises(anbu.UnknownProfileError):
        anbu.replay([plug(1.0)], {"p-1": "nope"})


def test_unknown_person() -> None:
    engine = anbu.Engine()
    with pytest.raises(anbu.UnknownPersonError, match="unknown person `ghost`"):
        engine.assess("ghost", T0)
    with pytest.raises(anbu.UnknownPersonError):
        engine.ingest(plug(1.0))
    with pytest.raises(anbu.InvalidEventError, match="row 0: field `person`: `p-1` is not in persons"):
        anbu.replay([plug(1.0)], {"p-2": "full"})


def test_late_event() -> None:
    engine = anbu.Engine(allowed_lateness="1h")
    engine.add_person("p-1", "full")
    engine.ingest(plug(1.0))
    engine.ingest({**plug(2.0), "ts": "2024-05-02T10:00:00+09:00"})
    with pytest.raises(anbu.LateEventError, match="person `p-1` .* later than the allowed lateness"):
        engine.ingest(plug(3.0))
    with pytest.raises(anbu.LateEventError, match="^row 1: "):
        engine.ingest_batch([{**plug(4.0), "ts": "2024-05-02T10:30:00+09:00"}, plug(5.0)])


@pytest.mark.parametrize("every", ["5 fortnights", "0h", 0, -3600, "h"])
def test_invalid_argument(every: Any) -> None:
    with pytest.raises(anbu.InvalidArgumentError, match="argument `every`"):
        anbu.replay([plug(1.0)], PERSONS, every=every)


def test_invalid_argument_lateness_and_time() -> None:
    with pytest.raises(anbu.InvalidArgumentError, match="allowed_lateness"):
        anbu.Engine(allowed_lateness="40d")
    engine = anbu.Engine()
    engine.add_person("p-1", "full")
    with pytest.raises(anbu.InvalidArgumentError, match="cannot parse `yesterday`"):
        engine.assess("p-1", "yesterday")


def test_type_errors_are_type_errors() -> None:
    with pytest.raises(TypeError):
        anbu.replay([1, 2], PERSONS)
    with pytest.raises(TypeError):
        anbu.replay({"person": "p-1"}, PERSONS)


def test_values_the_core_refuses_are_its_errors() -> None:
    # A value of a type the core reads (a bool, a float) is judged by the core, with the error
    # (and code) Node gives for the same value (see tests/shared/tricky.json).
    with pytest.raises(anbu.InvalidArgumentError, match="argument `every`: expected a duration"):
        anbu.replay([plug(1.0)], PERSONS, every=True)
    with pytest.raises(anbu.InvalidArgumentError, match="argument `at`: epoch milliseconds must be a whole number"):
        anbu.Engine().assess("p-1", 1.5)


def test_snapshot_error() -> None:
    with pytest.raises(anbu.SnapshotError, match="^snapshot: "):
        anbu.Engine.restore(b"not a snapshot")


def test_io_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    with pytest.raises(anbu.AnbuIOError, match="cannot open") as e:
        anbu.read_events(missing)
    assert isinstance(e.value, OSError)
    with pytest.raises(OSError):
        anbu.replay(missing, PERSONS)
    with pytest.raises(anbu.InvalidProfileError):
        anbu.Profile.from_file(tmp_path / "p.json") if (tmp_path / "p.json").write_text("{") else None
    with pytest.raises(anbu.AnbuIOError):
        anbu.Profile.from_file(tmp_path / "nothing.toml")


ODD_VALUES: list[Any] = [
    None, 2**70, -(2**70), float("inf"), float("-inf"), float("nan"), "", "\x00", "9" * 400, b"bytes",
    [], {}, object(), 1e300, -0.0, True,
]


@pytest.mark.parametrize("field", anbu.EVENT_FIELDS)
def test_no_panic_on_odd_values(field: str) -> None:
    """Whatever a field holds, the answer is an anbu error or a TypeError, never a panic."""
    for value in ODD_VALUES:
        for signal in ("plug", "steps", "call", "away"):
            row = {"person": "p-1", "ts": T0, "signal": signal, field: value}
            inputs: list[Any] = [[row]]
            if not isinstance(value, (list, dict)) and type(value) is not object:
                inputs.append(pd.DataFrame([row]))
            for events in inputs:
                try:
                    anbu.replay(events, PERSONS)
                except Exception:  # a pyo3 PanicException is a BaseException: it would escape
                    pass


def test_no_panic_on_odd_arrow_columns() -> None:
    for array in (
        pa.array([2**63 + 5], pa.uint64()),
        pa.array([-(2**62)], pa.int64()),
        pa.array([2**62], pa.timestamp("s", tz="UTC")),
        pa.array([1.5], pa.float16()),
        pa.array([None], pa.null()),
        pa.array(["x"], pa.dictionary(pa.int8(), pa.string())),
        pa.array([b"x"], pa.binary()),
    ):
        for field in ("ts", "steps", "watts", "until", "signal"):
            cols = {"person": ["p-1"], "ts": [T0], "signal": ["steps"], "steps": [3]}
            cols[field] = array  # type: ignore[assignment]
            try:
                anbu.replay(pa.table(cols), PERSONS)
            except (anbu.AnbuError, TypeError):
                pass


def test_parallel_conversion_names_the_first_bad_row() -> None:
    n = 300_000
    watts = pa.array([1.0] * 250_000 + [-2.0] + [1.0] * 9_999 + [-7.0] + [1.0] * (n - 260_001))
    table = pa.table({"person": ["p-1"] * n, "ts": pa.array(range(1, n + 1), pa.int64()), "signal": ["plug"] * n, "watts": watts})
    with pytest.raises(anbu.InvalidEventError, match=r"^row 250000: field `watts`: must be >= 0, got -2$"):
        anbu.replay(table, PERSONS)


def test_an_event_too_far_ahead_is_refused_and_isolated() -> None:
    engine = anbu.Engine()
    engine.add_person("p-1", "full")
    engine.add_person("p-2", "full")
    engine.set_clock(T0)
    with pytest.raises(anbu.InvalidEventError, match="ahead of the engine's clock") as err:
        engine.ingest({"person": "p-2", "ts": "2025-05-01T10:00:00+09:00", "signal": "sos", "device": "btn-1"})
    assert err.value.code == "ANBU_INVALID_EVENT"
    engine.ingest({"person": "p-1", "ts": T0, "signal": "sos"})
    rows = engine.assess_all("2024-05-01T11:00:00+09:00")
    assert [r.person for r in rows] == ["p-1", "p-2"]
    assert rows[0].level == "critical"
    assert "clock_ahead" in [r.kind for r in rows[1].reasons]


def _ahead_events(far: bool) -> list[dict[str, object]]:
    """The core's `a_replay_refuses_a_far_ahead_event_for_its_person_only`: p-2's door sensor
    reset to 9999 (and, with `far`, to a year past the clock at 6 h)."""
    at = lambda h: 1_714_521_600_000 + h * 3_600_000  # noqa: E731 (2024-05-01T09:00+09:00 + h)
    real = [
        {"person": "p-1", "ts": at(0), "signal": "sos", "device": None},  # a device column for Arrow
        {"person": "p-2", "ts": at(0), "signal": "heartbeat", "device": "plug-1"},
        {"person": "p-2", "ts": at(3), "signal": "heartbeat", "device": "plug-1"},
        {"person": "p-1", "ts": at(5), "signal": "heartbeat", "device": "plug-9"},
    ]
    if not far:
        return real
    bad = {"person": "p-2", "ts": 253370764800000, "signal": "heartbeat", "device": "door-9"}  # 9999-01-01
    return real[:1] + [bad] + real[1:] + [{"person": "p-2", "ts": at(6 + 8760), "signal": "heartbeat", "device": "door-9"}]


@pytest.mark.parametrize("table", [False, True])
def test_a_replay_refuses_a_far_ahead_event_for_its_person_only(table: bool) -> None:
    persons = {"p-1": "full", "p-2": "full"}
    clock = 1_714_521_600_000 + 6 * 3_600_000
    events = lambda far: pa.Table.from_pylist(_ahead_events(far)) if table else _ahead_events(far)  # noqa: E731
    clean = anbu.replay(events(False), persons, output="objects", clock=clock)
    rows = anbu.replay(events(True), persons, output="objects", clock=clock)
    assert len(rows) == len(clean) == 12
    assert rows[:6] == clean[:6]
    for row, ok in zip(rows[6:], clean[6:]):
        assert (row.person, row.at, row.level, row.action, row.score) == (ok.person, ok.at, ok.level, ok.action, ok.score)
        note = [r for r in row.reasons if r.kind == "clock_ahead"]
        assert len(note) == 1 and note[0].detail.startswith("device `door-9` sent 2 events dated up to 8760.0 h ahead")
    # At the wall clock (the default), the event in 9999 is refused for p-2 alone just the same.
    rows = anbu.replay(events(True)[:-1] if not table else pa.Table.from_pylist(_ahead_events(True)[:-1]), persons, output="objects")
    assert [(r.person, r.at, r.level) for r in rows] == [(r.person, r.at, r.level) for r in clean]
    assert all(any(r.kind == "clock_ahead" for r in row.reasons) == (row.person == "p-2") for row in rows)


@pytest.mark.parametrize("table", [False, True])
def test_a_person_whose_every_event_runs_ahead_still_has_rows(table: bool) -> None:
    # p-2's one device is a year ahead: p-2 has rows over the replay's grid, each saying so.
    persons = {"p-1": "full", "p-2": "full"}
    clock = 1_714_521_600_000 + 6 * 3_600_000
    events = [e for e in _ahead_events(True) if e["person"] == "p-1" or e["device"] == "door-9"]
    events = [e for e in events if e["ts"] != 253370764800000]
    rows = anbu.replay(pa.Table.from_pylist(events) if table else events, persons, output="objects", clock=clock)
    assert [r.person for r in rows] == ["p-1"] * 6 + ["p-2"] * 6
    assert [r.at for r in rows[6:]] == [r.at for r in rows[:6]]
    for row in rows[6:]:
        assert [r.kind for r in row.reasons] == ["clock_ahead"]
        assert row.reasons[0].detail.startswith("device `door-9` sent an event dated up to 8760.0 h ahead")


def test_duplicate_arrow_columns_are_refused() -> None:
    table = pa.Table.from_arrays(
        [pa.array(["p-1"]), pa.array([T0]), pa.array(["sos"]), pa.array([T0])], names=["person", "ts", "signal", "ts"]
    )
    with pytest.raises(anbu.FormatError, match="duplicate column `ts`") as err:
        anbu.replay(table, PERSONS)
    assert err.value.code == "ANBU_FORMAT"


def test_ingest_one_tells_a_duplicate_from_an_accept() -> None:
    engine = anbu.Engine()
    engine.add_person("p-1", "full")
    sos = {"person": "p-1", "ts": T0, "signal": "sos"}
    assert engine.ingest_one(sos) == "accepted"
    assert engine.ingest_one(sos) == "duplicate"
    assert engine.ingest_one({**sos, "ts": "2024-05-01T09:05:00+09:00"}) == "accepted"
    with pytest.raises(anbu.UnknownPersonError):
        engine.ingest_one({**sos, "person": "p-9"})

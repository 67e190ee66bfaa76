"""Engine, Profile, Event and Assessment objects; snapshots and pickling; GIL and Ctrl-C."""

from __future__ import annotations

import _thread
import copy
import json
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import anbu
from conftest import FIXTURES, REPO

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone(timedelta(hours=9)))


def tv_engine() -> anbu.Engine:
    engine = anbu.Engine()
    engine.add_person("p-001", "plug_only")
    for q in range(37 * 4 + 1):
        watts = 0.0 if q == 0 else 85.0
        engine.ingest(anbu.Event("p-001", T0 + timedelta(minutes=15 * q), "plug", watts=watts, device="plug-tv"))
    return engine


def test_assessment_object() -> None:
    a = tv_engine().assess("p-001", T0 + timedelta(hours=37))
    assert a.person == "p-001"
    assert a.at == T0 + timedelta(hours=37) and a.at.tzinfo == timezone.utc
    # The floor's call, asked two hours before the plug rule (24 h), had no outcome reported:
    # the caseworker, as the rule alerts.
    assert a.level == "warning" and a.action == "notify"
    assert any(r.kind == "safety_floor" for r in a.reasons)
    assert a.responder in ("day_office", "control_center")
    assert 0 <= a.score <= 100
    top = a.reasons[0]
    assert top.kind == "no_change" and top.signal == "plug" and top.contribution > 0 and top.detail
    d = a.to_dict()
    assert list(d) == anbu.ASSESSMENT_FIELDS
    assert d["reasons"][0] == top.to_dict()
    assert repr(a).startswith('Assessment(person="p-001", at="2024-05-02T12:00:00Z", score=')
    assert "Reason(signal=" in repr(top)


def test_time_forms_agree() -> None:
    engine = tv_engine()
    at = T0 + timedelta(hours=37)
    ms = int(at.timestamp() * 1000)
    assert engine.assess("p-001", at) == engine.assess("p-001", at.isoformat()) == engine.assess("p-001", ms)
    assert engine.assess_all(at) == [engine.assess("p-001", at)]


def test_snapshot_restore_and_pickle() -> None:
    engine = tv_engine()
    at = T0 + timedelta(hours=40)
    blob = engine.snapshot()
    assert isinstance(blob, bytes)
    restored = anbu.Engine.restore(blob)
    assert restored.assess("p-001", at) == engine.assess("p-001", at)
    for clone in (pickle.loads(pickle.dumps(engine)), copy.deepcopy(engine)):
        assert isinstance(clone, anbu.Engine)
        assert clone.assess("p-001", at) == engine.assess("p-001", at)
        assert clone.persons() == engine.persons()
    # The clone is independent.
    clone.add_person("p-002", "full")
    assert len(clone) == 2 and len(engine) == 1


def test_profiles() -> None:
    assert anbu.BUILTIN_PROFILES == ["plug_only", "call_only", "call_app", "call_iot", "full"]
    full = anbu.Profile("full")
    assert full == anbu.Profile.builtin("full") and full.name == "full"
    assert full.timezone == "Asia/Seoul" and "plug" in full.signals
    toml = (FIXTURES / "plug_36h.toml").read_text()
    from_toml = anbu.Profile.from_toml(toml)
    assert from_toml == anbu.Profile.from_file(FIXTURES / "plug_36h.toml")
    assert from_toml.to_dict()["inactivity"]["plug"]["threshold_h"] == 36
    doc = {"name": "plug_36h", "extends": "plug_only", "inactivity": {"plug": {"threshold_h": 36}}}
    assert anbu.Profile.from_dict(doc) == from_toml
    assert anbu.Profile.from_json(json.dumps(doc)) == from_toml
    assert anbu.Profile.from_dict(from_toml.to_dict()) == from_toml
    assert pickle.loads(pickle.dumps(from_toml)) == from_toml
    assert repr(from_toml).startswith('Profile("plug_36h", signals=["plug"')
    engine = anbu.Engine()
    engine.add_profile(doc)
    engine.add_person("p-1", "plug_36h", devices=["plug"])
    assert engine.persons() == [
        {"person": "p-1", "profile": "plug_36h", "devices": "plug", "district": None, "caseworker": None,
         "night_consent": None, "guardian": None}
    ]


def test_events() -> None:
    e = anbu.Event("p-1", "2024-05-01T19:40:10+09:00", "call", direction="out", answered=True, duration_s=312)
    assert e.person == "p-1" and e.signal == "call" and e.device == "call"
    assert e.ts == datetime(2024, 5, 1, 10, 40, 10, tzinfo=timezone.utc)
    assert e.to_dict() == {
        "person": "p-1",
        "ts": e.ts,
        "signal": "call",
        "direction": "out",
        "answered": True,
        "duration_s": 312.0,
    }
    assert anbu.Event.from_dict(e.to_dict()) == e
    assert repr(e) == 'Event("p-1", "2024-05-01T10:40:10Z", "call", answered=true, direction="out", duration_s=312.0)'
    assert anbu.events([e.to_dict(), e]) == [e, e]
    away = anbu.Event("p-1", 1714521600000, "away", until=datetime(2024, 5, 9, tzinfo=timezone.utc))
    assert away.to_dict()["until"] == datetime(2024, 5, 9, tzinfo=timezone.utc)


def test_event_times_come_out_as_utc_datetimes() -> None:
    """Every time field of `to_dict` (`ts`, `until`) is an aware UTC datetime, as the `ts`
    attribute is, whatever offset or form it was given in (Node gives both as UTC text)."""
    kst = timezone(timedelta(hours=9))
    for until in ["2024-05-09T09:00:00+09:00", datetime(2024, 5, 9, 9, tzinfo=kst), 1715212800000]:
        away = anbu.Event("p-1", datetime(2024, 5, 1, 19, tzinfo=kst), "away", until=until)
        d = away.to_dict()
        for field in ("ts", "until"):
            assert isinstance(d[field], datetime) and d[field].tzinfo is timezone.utc, (field, d[field])
        assert d["ts"] == away.ts == datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
        assert d["until"] == datetime(2024, 5, 9, tzinfo=timezone.utc)
        assert anbu.Event.from_dict(d) == away
    # Milliseconds come back exactly.
    late = anbu.Event("p-1", 1714525200001, "away", until=1715212800123).to_dict()
    assert late["ts"] == datetime(2024, 5, 1, 1, 0, 0, 1000, tzinfo=timezone.utc)
    assert late["until"] == datetime(2024, 5, 9, 0, 0, 0, 123000, tzinfo=timezone.utc)


def test_engine_persons_are_rows_of_the_simulated_persons_table() -> None:
    """`Engine.persons()` and `simulate(...).persons` have one shape (every column of the
    persons table, `None` where absent), so either is fed where the other is expected."""
    cohort = anbu.simulate(persons=3, days=1, seed=4, output="polars")
    simulated = cohort.persons.to_dicts()
    engine = anbu.Engine()
    assert engine.add_persons(simulated) == 3
    assert engine.persons() == simulated
    assert [list(r) for r in simulated] == [
        ["person", "profile", "devices", "district", "caseworker", "night_consent", "guardian"]
    ] * 3
    again = anbu.Engine()
    again.add_persons(engine.persons())
    assert again.persons() == simulated


def test_meter_events_round_trip() -> None:
    """A whole-home meter reading: watts only, a device kind of the plug channel."""
    m = anbu.Event("p-1", "2024-05-01T19:00:00+09:00", "meter", watts=412.5, device="meter-home")
    assert (m.signal, m.device) == ("meter", "meter-home")
    assert m.to_dict() == {"person": "p-1", "ts": m.ts, "signal": "meter", "device": "meter-home", "watts": 412.5}
    assert anbu.Event.from_dict(m.to_dict()) == m
    assert anbu.events([m.to_dict()]) == [m]
    with pytest.raises(anbu.AnbuError, match="field `lux`: does not apply to signal `meter`"):
        anbu.Event("p-1", T0, "meter", watts=300.0, lux=40.0)
    with pytest.raises(anbu.AnbuError, match="field `watts`: required for signal `meter`"):
        anbu.Event.from_dict({"person": "p-1", "ts": T0, "signal": "meter"})
    engine = anbu.Engine()
    engine.add_person("p-1", "plug_only", devices="meter,checkin")
    assert engine.persons() == [
        {"person": "p-1", "profile": "plug_only", "devices": "checkin,meter", "district": None, "caseworker": None,
         "night_consent": None, "guardian": None}
    ]
    engine.ingest(m)
    assert engine.assess("p-1", m.ts).level == "normal"
    table = anbu.replay([m.to_dict()], [{"person": "p-1", "profile": "plug_only", "devices": "meter"}], output="objects")
    assert [a.level for a in table] == ["normal"]


def _many_persons(n: int) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """`n` persons with 7 hourly assessments each (the core checks for cancellation per person)."""
    persons = {f"p-{i:05}": "full" for i in range(n)}
    events = [{"person": p, "ts": "2024-01-01T00:00:00Z", "signal": "sos"} for p in persons]
    events.append({"person": "p-00000", "ts": "2024-01-01T06:00:00Z", "signal": "sos"})
    return events, persons


@pytest.fixture
def python_handles_ctrl_c() -> Iterator[None]:
    # A shell that starts the tests as a background job ignores SIGINT, and Python then
    # installs no handler of its own, so `interrupt_main` does nothing: these tests need
    # Python's own handler, whoever started them.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("python_handles_ctrl_c")
def test_replay_can_be_interrupted() -> None:
    # A workload of at least ~1 s on this build (debug or release), interrupted after 0.25 s.
    n = 50_000
    while True:
        events, persons = _many_persons(n)
        started = time.monotonic()
        anbu.replay(events, persons, every="1h", output="arrow")
        if time.monotonic() - started > 1.0 or n >= 800_000:
            break
        n *= 4
    timer = threading.Timer(0.25, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        anbu.replay(events, persons, every="1h", output="arrow")
    timer.cancel()
    assert time.monotonic() - start < 10


@pytest.mark.usefixtures("python_handles_ctrl_c")
def test_ctrl_c_while_the_persons_are_read_is_not_lost() -> None:
    # A Ctrl-C that arrives while Python runs an `isinstance` check for the binding (is a
    # person's value a mapping?) used to be swallowed there: the replay ran on to its end.
    persons = {f"p-{i:06}": "full" for i in range(400_000)}
    events = [{"person": "p-000000", "ts": "2024-01-01T00:00:00Z", "signal": "sos"}]
    timer = threading.Timer(0.05, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        anbu.replay(events, persons, every="1h", output="arrow")
    timer.cancel()


def test_replay_releases_the_gil() -> None:
    # A workload of at least ~0.3 s on this build (debug or release).
    n = 500
    while True:
        events, persons = _many_persons(n)
        started = time.monotonic()
        anbu.replay(events, persons, every="1h", output="arrow", threads=1)
        if time.monotonic() - started > 0.3 or n >= 200_000:
            break
        n *= 4
    done = threading.Event()
    ticks = 0

    def work() -> None:
        anbu.replay(events, persons, every="1h", output="arrow", threads=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    assert ticks >= 10  # the main thread ran while the replay did


def test_stubs_match_the_module() -> None:
    """`mypy.stubtest` checks `_anbu.pyi` against the built module; mypy checks the package."""
    stubtest = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "anbu._anbu"],
        capture_output=True,
        text=True,
        cwd=REPO / "bindings-python",
    )
    assert stubtest.returncode == 0, stubtest.stdout + stubtest.stderr
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "bindings-python" / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=REPO / "bindings-python",
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_version_is_the_workspace_version() -> None:
    cargo = (REPO / "Cargo.toml").read_text()
    line = next(x for x in cargo.splitlines() if x.startswith("version = "))
    assert anbu.__version__ == line.split('"')[1]
    assert (Path(anbu.__file__).parent / "py.typed").exists()


def test_remove_person_erases_them() -> None:
    engine = tv_engine()
    engine.add_person("p-002", "full")
    engine.remove_person("p-001")
    assert [p["person"] for p in engine.persons()] == ["p-002"]
    assert b"p-001" not in engine.snapshot()
    with pytest.raises(anbu.UnknownPersonError):
        engine.assess("p-001", T0 + timedelta(hours=40))
    with pytest.raises(anbu.UnknownPersonError):
        engine.remove_person("p-001")


def test_replay_is_typed_by_its_output(tmp_path: Path) -> None:
    """`replay`'s `@overload`s: mypy knows what each `output` gives."""
    snippet = tmp_path / "typed.py"
    snippet.write_text(
        "from typing import assert_type\n"
        "import anbu, polars\n"
        "c = anbu.simulate(persons=2, days=2)\n"
        "assert_type(anbu.replay(c.events, c.persons, output='objects'), list[anbu.Assessment])\n"
        "assert_type(anbu.replay(c.events, c.persons, output='polars'), polars.DataFrame)\n"
        "assert_type(anbu.replay(polars.DataFrame(), c.persons), polars.DataFrame)\n"
        "wrong: int = anbu.replay(c.events, c.persons, output='objects')\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--ignore-missing-imports", "--no-incremental", str(snippet)],
        capture_output=True,
        text=True,
    )
    # Only the deliberate mistake is reported.
    errors = [line for line in out.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "typed.py:7:" in errors[0] and "list[Assessment]" in errors[0], out.stdout


def test_a_dispatch_names_its_kind_of_visit(tmp_path: Path) -> None:
    """`visit`: for a dispatch, who goes (the core decides: an SOS is 119); none otherwise."""
    engine = anbu.Engine()
    engine.add_person("p-001", "full")
    engine.ingest(anbu.Event("p-001", T0, "sos"))
    a = engine.assess("p-001", T0 + timedelta(minutes=5))
    assert (a.action, a.visit) == ("dispatch", "119")
    assert a.to_dict()["visit"] == "119" and repr(a).endswith(', visit="119")')
    assert tv_engine().assess("p-001", T0 + timedelta(hours=37)).visit is None
    # In a DataFrame: the last column, an ordered categorical, empty but on the dispatch.
    events = [
        {"person": "p-001", "ts": "2024-05-01T00:00:00Z", "signal": "door", "state": "open"},
        {"person": "p-001", "ts": "2024-05-01T02:30:00Z", "signal": "sos"},
    ]
    persons = [{"person": "p-001", "profile": "full"}]
    rows = anbu.replay(events, persons, every="1h", end="2024-05-01T04:00:00Z", output="pandas")
    assert list(rows.columns) == anbu.ASSESSMENT_FIELDS
    assert rows["visit"].dtype == pd.CategoricalDtype(dict(anbu.ORDERED_COLUMNS)["visit"], ordered=True)
    sent = rows[rows["action"] == "dispatch"]
    assert len(sent) and (sent["visit"] == "119").all()
    assert rows[rows["action"] != "dispatch"]["visit"].isna().all()
    # Written back from the DataFrame, as the core writes it.
    anbu.write_assessments(rows, tmp_path / "rows.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "rows.jsonl").read_text().splitlines()]
    assert [line.get("visit") for line in lines] == [None if v != v else v for v in rows["visit"].astype(object)]

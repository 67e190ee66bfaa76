"""Progress: a tqdm bar or a function (done, total) told of the persons replayed or
simulated, fed from the core's counter; its exception stops the work and is raised."""

from __future__ import annotations

import io
import time

import polars as pl
import pytest

import anbu
from conftest import frame_rows


@pytest.fixture(scope="module")
def cohort() -> anbu.Cohort:
    return anbu.simulate(persons=40, days=20, seed=5, output="polars")


def _check_calls(calls: list[tuple[int, int]], total: int) -> None:
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    done = [d for d, _ in calls]
    assert done == sorted(done) and len(set(done)) == len(done), "each call reports a new count"
    assert {t for _, t in calls} == {total}


def test_replay_reports_persons_done(cohort: anbu.Cohort) -> None:
    calls: list[tuple[int, int]] = []
    rows = anbu.replay(cohort.events, cohort.persons, progress=lambda d, t: calls.append((d, t)))
    _check_calls(calls, cohort.persons.height)
    assert frame_rows(rows) == frame_rows(anbu.replay(cohort.events, cohort.persons))
    calls.clear()
    objects = anbu.replay(cohort.events, cohort.persons, output="objects", progress=lambda d, t: calls.append((d, t)))
    _check_calls(calls, cohort.persons.height)
    assert len(objects) == rows.height


def test_closed_loop_and_simulate_report(cohort: anbu.Cohort) -> None:
    calls: list[tuple[int, int]] = []
    anbu.replay_closed_loop(cohort.events, cohort.persons, cohort, progress=lambda d, t: calls.append((d, t)))
    _check_calls(calls, cohort.persons.height)
    calls.clear()
    simulated = anbu.simulate(persons=7, days=3, seed=5, recent_incidents=2, progress=lambda d, t: calls.append((d, t)))
    _check_calls(calls, 9)
    assert simulated.events.equals(anbu.simulate(persons=7, days=3, seed=5, recent_incidents=2).events)


def test_backtest_reports_rows_scored(cohort: anbu.Cohort) -> None:
    rows = anbu.replay(cohort.events, cohort.persons, output="arrow")
    calls: list[tuple[int, int]] = []
    report = anbu.backtest(rows, cohort.incidents, cohort.persons, progress=lambda d, t: calls.append((d, t)))
    _check_calls(calls, rows.num_rows)
    assert report.to_dict() == anbu.backtest(rows, cohort.incidents, cohort.persons).to_dict()
    with pytest.raises(Stop):
        anbu.backtest(rows, cohort.incidents, cohort.persons, progress=lambda d, t: _raise(Stop()))


def test_sweep_reports_persons_done_once_per_value(cohort: anbu.Cohort) -> None:
    calls: list[tuple[int, int]] = []
    values = [40, 50, 60]
    curve = anbu.sweep(
        cohort.events, cohort.persons, cohort.incidents, "levels.warning", values, progress=lambda d, t: calls.append((d, t))
    )
    _check_calls(calls, cohort.persons.height * len(values))
    assert curve.to_dict() == anbu.sweep(cohort.events, cohort.persons, cohort.incidents, "levels.warning", values).to_dict()
    with pytest.raises(Stop):
        anbu.sweep(cohort.events, cohort.persons, cohort.incidents, "levels.warning", values, progress=lambda d, t: _raise(Stop()))
    tqdm = pytest.importorskip("tqdm").tqdm
    with tqdm(file=io.StringIO()) as bar:
        anbu.sweep(cohort.events, cohort.persons, cohort.incidents, "levels.warning", [50], progress=bar)
        assert (bar.n, bar.total) == (cohort.persons.height, cohort.persons.height)


def _raise(e: Exception) -> None:
    raise e


def test_a_tqdm_bar(cohort: anbu.Cohort) -> None:
    tqdm = pytest.importorskip("tqdm").tqdm
    with tqdm(file=io.StringIO(), unit="persons") as bar:
        anbu.replay(cohort.events, cohort.persons, progress=bar)
        assert (bar.n, bar.total) == (cohort.persons.height, cohort.persons.height)
    with tqdm(file=io.StringIO()) as bar:
        anbu.simulate(persons=6, days=2, progress=bar)
        assert (bar.n, bar.total) == (6, 6)


class Stop(Exception):
    pass


def test_an_exception_of_the_callback_stops_and_is_raised(cohort: anbu.Cohort) -> None:
    raised = Stop("enough")
    seen: list[int] = []

    def stop_at_first_move(done: int, total: int) -> None:
        seen.append(done)
        if done > 0:
            raise raised

    with pytest.raises(Stop) as info:
        anbu.replay(cohort.events, cohort.persons, progress=stop_at_first_move)
    assert info.value is raised and seen[-1] > 0 and seen[:-1] == [0]

    def refuse(done: int, total: int) -> None:
        raise raised

    for call in (
        lambda: anbu.replay(cohort.events, cohort.persons, output="objects", progress=refuse),
        lambda: anbu.replay_closed_loop(cohort.events, cohort.persons, cohort, progress=refuse),
        lambda: anbu.simulate(persons=3, days=2, progress=refuse),
    ):
        with pytest.raises(Stop):
            call()


def test_a_long_replay_is_stopped_midway() -> None:
    # A workload of at least ~1 s on this build (debug or release), so that the waiting thread
    # sees the count move before the end; raised then, the replay stops there.
    n = 50_000
    while True:
        persons = {f"p-{i:06}": "full" for i in range(n)}
        events = pl.DataFrame({"person": list(persons), "ts": "2024-01-01T00:00:00Z", "signal": "sos"})
        started = time.monotonic()
        anbu.replay(events, persons, output="arrow")
        if time.monotonic() - started > 1.0 or n >= 800_000:
            break
        n *= 4
    seen: list[tuple[int, int]] = []

    def stop(done: int, total: int) -> None:
        seen.append((done, total))
        if 0 < done:
            raise Stop

    with pytest.raises(Stop):
        anbu.replay(events, persons, output="arrow", progress=stop)
    assert seen[0] == (0, n) and len(seen) == 2 and 0 < seen[1][0] < n


def test_bad_progress() -> None:
    with pytest.raises(TypeError, match="progress must be a tqdm bar or a function"):
        anbu.simulate(persons=2, days=1, progress=42)

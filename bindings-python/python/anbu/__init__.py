"""anbu (안부, "how are you doing?"): fuses everyday signals about a person living alone
(calls, steps, door sensors, smart plugs, phone use, check-in calls, SOS presses, absences)
into one explained risk assessment.

Everything is computed by the Rust core (``anbu._anbu``); this package only re-exports it and
turns its Arrow output into the DataFrame you asked for.

>>> import anbu
>>> engine = anbu.Engine()
>>> engine.add_person("p-001", "plug_only")
>>> engine.ingest({"person": "p-001", "ts": "2024-05-01T08:00:00+09:00", "signal": "plug", "watts": 0.0})
>>> engine.assess("p-001", "2024-05-01T09:00:00+09:00").level
'normal'
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Literal, Mapping, Optional, Sequence, Union, overload

from ._anbu import (
    ASSESSMENT_FIELDS,
    ORDERED_COLUMNS,
    BUILTIN_PROFILES,
    EVENT_FIELDS,
    AnbuError,
    AnbuInterruptedError,
    AnbuIOError,
    AnswerRate,
    Assessment,
    BacktestReport,
    Engine,
    Event,
    FormatError,
    InvalidArgumentError,
    InvalidEventError,
    InvalidProfileError,
    LateEventError,
    Profile,
    ReadOutcome,
    Reason,
    SnapshotError,
    Sweep,
    UnknownPersonError,
    UnknownProfileError,
    __version__,
    read_events,
    set_threads,
    threads,
)
from . import _anbu

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

__all__ = [
    "ASSESSMENT_FIELDS",
    "ORDERED_COLUMNS",
    "BUILTIN_PROFILES",
    "EVENT_FIELDS",
    "AnbuError",
    "AnbuIOError",
    "AnbuInterruptedError",
    "AnswerRate",
    "Assessment",
    "BacktestReport",
    "Engine",
    "Event",
    "FormatError",
    "InvalidArgumentError",
    "InvalidEventError",
    "InvalidProfileError",
    "LateEventError",
    "Profile",
    "ReadOutcome",
    "Reason",
    "SnapshotError",
    "Sweep",
    "UnknownPersonError",
    "UnknownProfileError",
    "Cohort",
    "__version__",
    "backtest",
    "district_report",
    "events",
    "labels_from_dispositions",
    "read_events",
    "replay",
    "replay_closed_loop",
    "set_threads",
    "simulate",
    "sweep",
    "threads",
    "write_assessments",
    "write_events",
]

#: What ``replay`` accepts as events: dicts or ``Event`` objects, a pandas or polars
#: DataFrame, a pyarrow Table or RecordBatch (anything with the Arrow PyCapsule interface),
#: or the path of a CSV, JSON Lines, Parquet or Arrow IPC file (read by the core's reader).
EventsLike = Union[
    Iterable[Union[Mapping[str, Any], Event]],
    "pandas.DataFrame",
    "polars.DataFrame",
    "pyarrow.Table",
    "pyarrow.RecordBatch",
    str,
    "os.PathLike[str]",
]
#: Persons: ``{person: profile}``, ``{person: {"profile": ..., "devices": ...}}``, rows with
#: ``person``, ``profile`` and optional ``devices``, or a DataFrame of them.
PersonsLike = Union[Mapping[str, Any], Iterable[Mapping[str, Any]], "pandas.DataFrame", "polars.DataFrame"]
#: A duration: ``"1h"``, ``"15m"``, ``"3600s"``, a ``timedelta``, or a number of
#: **milliseconds** (as in every anbu binding: ``3_600_000`` is an hour; a replay step
#: under a minute is refused, so ``every=3600`` is an error, not 3.6 s).
DurationLike = Union[str, int, float, timedelta]
#: A time: RFC 3339 text with an offset, a timezone-aware ``datetime``, or epoch milliseconds.
TimeLike = Union[str, datetime, int]
#: Profiles: ``Profile`` objects, dicts, or paths of TOML/JSON files.
ProfileLike = Union[Profile, Mapping[str, Any], str, "os.PathLike[str]"]
#: A progress display for ``replay``, ``replay_closed_loop``, ``simulate`` (in persons) and
#: ``backtest`` (in assessment rows): a ``tqdm`` bar (anything with ``update(n)`` and a
#: ``total``: its total is set and it is advanced by what is done), or a function
#: ``f(done, total)``. It is called on the calling thread, with ``(0, total)`` first, then as
#: the core counts (looked at every 50 ms), and with ``(total, total)`` last. An exception it
#: raises stops the work and is raised by the call.
ProgressLike = Union[Callable[[int, int], Any], Any]


def _progress(progress: ProgressLike | None) -> Callable[[int, int], Any] | None:
    """A ``tqdm``-like bar as a function ``f(done, total)``; a function as it is."""
    if progress is None:
        return None
    if callable(getattr(progress, "update", None)) and hasattr(progress, "total"):
        bar: Any = progress
        last = [0]

        def advance(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
                if callable(getattr(bar, "refresh", None)):
                    bar.refresh()
            if done > last[0]:
                bar.update(done - last[0])
                last[0] = done

        return advance
    if callable(progress):
        f: Callable[[int, int], Any] = progress
        return f
    raise TypeError(f"progress must be a tqdm bar or a function (done, total), not {type(progress).__name__}")


def _is(obj: object, module: str, name: str) -> bool:
    mod = sys.modules.get(module)
    return mod is not None and isinstance(obj, getattr(mod, name))


def _arrow_table(table: object) -> Any:
    try:
        import pyarrow as pa
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("a pandas or pyarrow result needs pyarrow: pip install 'anbu[pandas]'") from e
    return pa.table(table)


def _to_pandas(table: object) -> Any:
    import pandas as pd
    import pyarrow as pa

    # Reasons stay Arrow-backed (a list of structs per row), without a Python object per row.
    return _arrow_table(table).to_pandas(
        types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_large_list(t) or pa.types.is_list(t) else None
    )


def _ordered(frame: Any, output: str, unordered: tuple[str, ...] = ()) -> Any:
    """Gives the columns of a closed vocabulary (``ORDERED_COLUMNS``: level, action, responder,
    visit, call, an episode's kind and peak) an ordered type: a pandas ordered ``Categorical`` or a polars
    ``Enum``, so that ``rows.level.max()`` is the most severe level, not the last in the
    alphabet; but not the columns named in ``unordered`` (an incident's ``kind`` is a label)."""
    present = [
        (name, values) for name, values in ORDERED_COLUMNS if name in frame.columns and name not in unordered
    ]
    if output == "polars":
        import polars as pl

        return frame.with_columns([pl.col(name).cast(pl.Enum(values)) for name, values in present])
    if output == "pandas":
        import pandas as pd

        for name, values in present:
            frame[name] = frame[name].astype(pd.CategoricalDtype(values, ordered=True))
    return frame


#: The columns of a backtest's incident and episode tables that hold times.
_TIME_COLUMNS = ("start", "end", "window_end", "detected_at", "asked_at")


def _records_frame(records: list[dict[str, Any]], output: str, unordered: tuple[str, ...] = ()) -> Any:
    """A backtest's records (``BacktestReport.incidents`` / ``episodes``) as a DataFrame: times
    as UTC datetimes, vocabularies ordered."""
    if output not in ("pandas", "polars", "arrow"):
        raise ValueError(f"output must be 'pandas', 'polars', 'arrow' or 'records', not {output!r}")
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.Table.from_pylist(records)
    for name in _TIME_COLUMNS:
        if name in table.column_names:
            i = table.column_names.index(name)
            # The core writes RFC 3339 in UTC (`...Z`), which Arrow's cast reads.
            times = pc.cast(table.column(i), pa.string())
            table = table.set_column(i, name, pc.cast(times, pa.timestamp("ms", tz="UTC")))
    if output == "arrow":
        return table
    if output == "polars":
        import polars as pl

        return _ordered(pl.DataFrame(table), "polars", unordered)
    return _ordered(_to_pandas(table), "pandas", unordered)


# What `replay` returns, by `output` (and, without one, by the events' type): typed for mypy
# and editors. The first overload is narrower than the last on purpose (a polars frame in,
# polars out).
@overload
def replay(
    events: "polars.DataFrame",
    persons: PersonsLike,
    every: DurationLike = ...,
    profiles: ProfileLike | Sequence[ProfileLike] | None = ...,
    *,
    threads: int = ...,
    output: None = ...,
    start: TimeLike | None = ...,
    end: TimeLike | None = ...,
    clock: TimeLike | None = ...,
    progress: ProgressLike | None = ...,
) -> "polars.DataFrame": ...
@overload
def replay(
    events: EventsLike,
    persons: PersonsLike,
    every: DurationLike = ...,
    profiles: ProfileLike | Sequence[ProfileLike] | None = ...,
    *,
    threads: int = ...,
    output: Literal["polars"],
    start: TimeLike | None = ...,
    end: TimeLike | None = ...,
    clock: TimeLike | None = ...,
    progress: ProgressLike | None = ...,
) -> "polars.DataFrame": ...
@overload
def replay(
    events: EventsLike,
    persons: PersonsLike,
    every: DurationLike = ...,
    profiles: ProfileLike | Sequence[ProfileLike] | None = ...,
    *,
    threads: int = ...,
    output: Literal["arrow"],
    start: TimeLike | None = ...,
    end: TimeLike | None = ...,
    clock: TimeLike | None = ...,
    progress: ProgressLike | None = ...,
) -> "pyarrow.Table": ...
@overload
def replay(
    events: EventsLike,
    persons: PersonsLike,
    every: DurationLike = ...,
    profiles: ProfileLike | Sequence[ProfileLike] | None = ...,
    *,
    threads: int = ...,
    output: Literal["objects"],
    start: TimeLike | None = ...,
    end: TimeLike | None = ...,
    clock: TimeLike | None = ...,
    progress: ProgressLike | None = ...,
) -> list[Assessment]: ...
@overload
def replay(
    events: EventsLike,
    persons: PersonsLike,
    every: DurationLike = ...,
    profiles: ProfileLike | Sequence[ProfileLike] | None = ...,
    *,
    threads: int = ...,
    output: Literal["pandas"] | None = ...,
    start: TimeLike | None = ...,
    end: TimeLike | None = ...,
    clock: TimeLike | None = ...,
    progress: ProgressLike | None = ...,
) -> "pandas.DataFrame": ...


def replay(
    events: EventsLike,
    persons: PersonsLike,
    every: DurationLike = "1h",
    profiles: ProfileLike | Sequence[ProfileLike] | None = None,
    *,
    threads: int = 0,
    output: Literal["pandas", "polars", "arrow", "objects"] | None = None,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    clock: TimeLike | None = None,
    progress: ProgressLike | None = None,
) -> Any:
    """Assesses every person at each multiple of ``every`` from their first event to the last
    event of the input (the spec's Replays), in ``person``, ``at`` order. ``end`` (a time:
    RFC 3339 text, a ``datetime``, epoch milliseconds) is the grid's last time instead, even
    past the last event; rows before ``start`` are not returned (the rows from ``start`` on are
    the same as a whole replay's). ``clock`` (a time) is the time now, as ``Engine.set_clock``
    tells an engine: a person's event dated further ahead of it than their profile allows
    (``clock.max_ahead_h``) is refused for that person only (not folded, not stretching the
    grid; that person's rows carry a ``clock_ahead`` reason naming the device); default: the
    wall clock, or ``end`` if later.

    Returns a DataFrame with the columns ``person``, ``at`` (UTC), ``score``, ``level``,
    ``action``, ``responder``, ``reasons`` (a list of ``{signal, kind, detail,
    contribution}`` per row), ``visit`` (for a ``dispatch``, ``visit``, ``police`` or
    ``119``; null otherwise) and ``call`` (null: a replay places no call; see
    ``replay_closed_loop``): pandas by default, polars when ``events`` is a polars
    DataFrame, or as ``output`` says: ``"arrow"`` gives a ``pyarrow.Table``, ``"objects"`` a
    list of ``Assessment`` (no DataFrame library needed).

    ``progress``: a ``tqdm`` bar, or a function ``f(done, total)``, told of the persons
    replayed (see ``ProgressLike``).

    Runs without the GIL; Ctrl-C stops it (``KeyboardInterrupt``).
    """
    kind = _output(events, output)
    profile_list = _profile_list(profiles)
    report = _progress(progress)
    if kind == "objects":
        rows: list[Assessment] = _anbu.replay_arrow(
            events, persons, every, profile_list, threads, objects=True, start=start, end=end, clock=clock, progress=report
        )
        return rows
    table = _anbu.replay_arrow(events, persons, every, profile_list, threads, start=start, end=end, clock=clock, progress=report)
    return _ordered(_frame(table, kind), kind)


#: What a responder function returns for a check-in call: its outcome, or ``None`` when no
#: call can be placed then.
CheckinAnswer = Optional[Literal["answered", "missed", "concern", "unreachable", "sms_reply"]]
#: Who answers the check-in calls of ``replay_closed_loop``: an ``AnswerRate``, a simulated
#: ``Cohort`` (its persons answer as their simulated lives allow), a responder dict
#: (``{"answer_rate": {...}}`` or ``{"simulated": {...}}``, as ``Cohort.responder``), or a
#: callable ``(person, at) -> "answered" | "missed" | "concern" | "unreachable" | "sms_reply" | None``.
ResponderLike = Union["AnswerRate", "Cohort", Mapping[str, Any], Callable[[str, datetime], CheckinAnswer]]


def replay_closed_loop(
    events: EventsLike,
    persons: PersonsLike,
    responder: ResponderLike,
    *,
    every: DurationLike = "1h",
    profiles: ProfileLike | Sequence[ProfileLike] | None = None,
    policy: Mapping[str, DurationLike] | None = None,
    threads: int = 0,
    output: Literal["pandas", "polars", "arrow", "objects"] | None = None,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    clock: TimeLike | None = None,
    progress: ProgressLike | None = None,
) -> Any:
    """Replays as ``replay`` does (``start``, ``end``, ``clock`` and ``progress`` too), with the field workflow in the loop: whenever an assessment
    recommends an automatic check-in call (``action == "checkin_call"``) for a person who has
    check-in calls, the call is placed ``policy["delay"]`` later (default ``"5m"``; at most one
    per ``policy["retry"]``, default ``"1h"``; durations as ``every`` takes them), the
    ``responder`` says how it went, and the outcome is folded as a ``checkin`` event before the
    next assessment. So an alert the call would have cleared is never raised.

    ``responder``: an ``AnswerRate(rate, concern_rate, seed)``; the ``Cohort`` that
    ``simulate`` returned (its persons answer as their simulated lives allow: the core
    simulates the same cohort again from its configuration); a responder dict
    (``Cohort.responder``, or ``{"answer_rate": {"rate": 0.9}}``); or a callable
    ``(person: str, at: datetime) -> "answered" | "missed" | "concern" | "unreachable" |
    "sms_reply" | None`` (``at`` in
    UTC; ``None``: no call could be placed). A callable is called one call at a time, person
    after person in ``person`` order and each person's calls in time order; an exception it
    raises stops the replay and is raised here, and any other return value raises
    ``InvalidArgumentError`` naming it.

    Returns what ``replay`` returns for ``output``, each row's ``call`` the call placed after
    it: ``"auto"`` at ``checkin_call``, ``"staff"`` (the caseworker's or the control center's)
    at ``notify``, null where none was (so ``rows.call.value_counts()`` counts the calls placed,
    and ``backtest`` reports them per 100 person-months). Runs without the GIL (a callable
    takes it for each call); Ctrl-C stops it.
    """
    kind = _output(events, output)
    if isinstance(responder, Cohort):
        responder = responder.responder
    delay, retry = _policy(policy)
    args = (events, persons, responder, every, _profile_list(profiles), threads, delay, retry)
    report = _progress(progress)
    if kind == "objects":
        rows: list[Assessment] = _anbu.replay_closed_loop_arrow(
            *args, objects=True, start=start, end=end, clock=clock, progress=report
        )
        return rows
    table = _anbu.replay_closed_loop_arrow(*args, start=start, end=end, clock=clock, progress=report)
    return _ordered(_frame(table, kind), kind)


def sweep(
    events: EventsLike,
    persons: PersonsLike,
    incidents: Any,
    key: str,
    values: Sequence[float],
    *,
    responder: ResponderLike | None = None,
    every: DurationLike = "1h",
    profiles: ProfileLike | Sequence[ProfileLike] | None = None,
    policy: Mapping[str, DurationLike] | None = None,
    threads: int = 0,
    progress: ProgressLike | None = None,
) -> Sweep:
    """An operating curve: the cohort backtested once per value of a numeric profile key
    (``"routine.sensitivity"``, ``"levels.warning"``, ...), set in every profile its persons
    use, built-in or the caller's. With a ``responder`` (an ``AnswerRate``, a simulated
    ``Cohort`` or its ``responder`` dict) each replay runs in the closed loop, as
    ``replay_closed_loop`` does; without one, open loop.

    ``Sweep.within_budget(budget, group="all")`` picks the value that finds the most
    incidents within 24 h while keeping false alert episodes per 100 person-months within
    ``budget``; ``anbu.plot.operating_curve`` draws the curve. Errors name the key when it is
    not a number of the profile or a value is out of its range.

    ``progress``: a ``tqdm`` bar, or a function ``f(done, total)``, told of the persons
    replayed, once per value (``total`` is persons x values; see ``ProgressLike``); its
    exception stops the sweep and is raised, as Ctrl-C does.
    """
    if isinstance(responder, Cohort):
        responder = responder.responder
    delay, retry = _policy(policy)
    return _anbu.sweep(
        events,
        persons,
        incidents,
        key,
        [float(v) for v in values],
        every,
        _profile_list(profiles),
        responder,
        threads,
        delay,
        retry,
        progress=_progress(progress),
    )


def labels_from_dispositions(
    events: EventsLike,
    persons: PersonsLike,
    *,
    profiles: ProfileLike | Sequence[ProfileLike] | None = None,
) -> list[dict[str, Any]]:
    """The incidents that ``disposition`` events confirm (findings ``emergency`` and
    ``deceased``), as rows ``{person, start, end}`` for ``backtest``: each from the person's
    last sign of life before it (as their profile judges signs of life) to the finding; several
    findings in one silence are one incident. So recorded field data, with no known onsets,
    can be backtested. Errors name the event's row when its person is not in ``persons``.
    """
    return _anbu.labels_from_dispositions(events, persons, _profile_list(profiles))


def district_report(
    events: EventsLike,
    persons: PersonsLike,
    assessments: Any,
    start: TimeLike,
    end: TimeLike,
    *,
    output: Literal["pandas", "polars", "arrow", "records"] = "pandas",
) -> Any:
    """The per-district report of the period from ``start`` up to (not including) ``end``, as
    the Seoul services' press releases table a month: per district, the households watched,
    those with a risk signal (an assessment at ``warning`` or above), automatic check-in
    calls, staff calls and texts, visits by kind and dispositions by finding (the columns of
    ``anbu::report``; the persons without a district in one row, ``district`` null, last).
    ``assessments`` are a replay's output; the counting is the core's.
    """
    return _anbu.district_report(events, persons, assessments, start, end, output)


def _policy(policy: Mapping[str, DurationLike] | None) -> tuple[DurationLike | None, DurationLike | None]:
    """The closed loop's ``policy`` dict as its ``delay`` and ``retry``."""
    policy = dict(policy or {})
    unknown = sorted(set(policy) - {"delay", "retry"})
    if unknown:
        raise InvalidArgumentError(f"argument `policy`: unknown key {unknown[0]!r} (keys: 'delay', 'retry')")
    return policy.get("delay"), policy.get("retry")


def _output(events: object, output: str | None) -> str:
    kind = output if output is not None else "polars" if _is(events, "polars", "DataFrame") else "pandas"
    if kind not in ("pandas", "polars", "arrow", "objects"):
        raise ValueError(f"output must be 'pandas', 'polars', 'arrow' or 'objects', not {kind!r}")
    return kind


def _profile_list(profiles: ProfileLike | Sequence[ProfileLike] | None) -> list[Any]:
    if profiles is None:
        return []
    if isinstance(profiles, (Profile, Mapping, str, os.PathLike)):
        return [profiles]
    return list(profiles)


def _rows_frame(rows: list[dict[str, Any]], output: str) -> Any:
    if output == "arrow":
        import pyarrow as pa

        return pa.Table.from_pylist(rows)
    if output == "polars":
        import polars as pl

        return pl.DataFrame(rows)
    import pandas as pd

    return pd.DataFrame(rows)


def _frame(table: object, output: str) -> Any:
    if output == "arrow":
        return _arrow_table(table)
    if output == "polars":
        import polars as pl

        return pl.DataFrame(table)
    return _to_pandas(table)


@dataclass(frozen=True)
class Cohort:
    """A simulated cohort: the spec's events, persons and incidents tables, and each person's
    story (``routine``, ``nuisance``, ``incident``). ``responder`` answers check-in calls as
    the cohort's persons would (``replay_closed_loop`` takes it, or the cohort itself)."""

    events: Any
    persons: Any
    incidents: Any
    cases: Any
    responder: Any = None


def simulate(
    *,
    persons: int | None = None,
    days: int | None = None,
    seed: int | None = None,
    start: datetime | str | int | None = None,
    incident_share: float | None = None,
    nuisance_share: float | None = None,
    recent_incidents: int | None = None,
    output: Literal["pandas", "polars", "arrow"] = "pandas",
    progress: ProgressLike | None = None,
) -> Cohort:
    """A seeded simulated cohort (the core's simulator): people living alone with different
    routines, field cases that fool fixed rules, and real incidents. The same arguments give
    the same cohort. Options left out take the core's defaults. Tables are pandas DataFrames,
    or polars / pyarrow as ``output`` says; ``replay`` and ``backtest`` take them as they are.
    ``progress`` (see ``ProgressLike``) is told of the persons simulated; Ctrl-C stops it.
    """
    events, person_rows, incident_rows, case_rows, responder = _anbu.simulate_arrow(
        progress=_progress(progress),
        persons=persons,
        days=days,
        seed=seed,
        start=start,
        incident_share=incident_share,
        nuisance_share=nuisance_share,
        recent_incidents=recent_incidents,
    )
    return Cohort(
        events=_frame(events, output),
        persons=_rows_frame(person_rows, output),
        incidents=_rows_frame(incident_rows, output),
        cases=_rows_frame(case_rows, output),
        responder=responder,
    )


def backtest(
    assessments: Any, incidents: Any, persons: PersonsLike | None = None, *, progress: ProgressLike | None = None
) -> BacktestReport:
    """Evaluates assessments (``replay``'s output: a DataFrame, an Arrow table, or a list of
    ``Assessment``) against incidents (rows with ``person``, ``start`` and ``end``, as
    ``simulate`` gives them), overall and per profile (the persons' profiles; persons not
    listed are under ``?``). ``progress`` (see ``ProgressLike``) is told of the rows scored.
    """
    return _anbu.backtest(assessments, incidents, persons, progress=_progress(progress))


def events(source: EventsLike) -> list[Event]:
    """The events of any accepted input, validated by the core, as ``Event`` objects."""
    return _anbu.events(source)


#: Where a writer writes: a path (``str`` or ``os.PathLike``), or a file object open for
#: writing, binary or text.
Destination = Union[str, "os.PathLike[str]", IO[bytes], IO[str]]


def _write(data: bytes | None, destination: Any) -> None:
    if data is None:
        return
    import io

    if isinstance(destination, io.TextIOBase):
        destination.write(data.decode("utf-8"))
    else:
        destination.write(data)


def write_events(events: EventsLike, destination: Destination, format: str | None = None) -> None:
    """Writes events in the interchange contract's CSV or JSON Lines form, by the core's
    writer (as ``anbu simulate`` writes them): every field in UTC, read back identical by
    ``read_events`` and ``replay``. ``events``: anything ``replay`` accepts (dicts,
    ``Event`` objects, a pandas or polars DataFrame, a pyarrow Table, a file's path).
    ``destination``: a path, or a file object open for writing (binary or text).
    ``format``: ``"csv"``, ``"jsonl"``, ``"parquet"`` or ``"arrow"`` (an Arrow IPC file);
    by default the path's extension (``.csv``, ``.jsonl``, ``.ndjson``, ``.json``,
    ``.parquet``, ``.arrow``, ``.feather``, ``.ipc``), or CSV for a file object.
    """
    if isinstance(destination, (str, os.PathLike)):
        _anbu.write_events(events, destination, format)
    else:
        _write(_anbu.write_events(events, None, format), destination)


def write_assessments(assessments: Any, destination: Destination, format: str | None = None) -> None:
    """Writes assessments (``replay``'s output: a pandas or polars DataFrame, a pyarrow Table,
    or a list of ``Assessment``) in the interchange contract's CSV form (``reasons`` as a JSON
    cell) or JSON Lines form, by the core's writer (as ``anbu replay`` writes them).
    ``destination`` and ``format`` as for ``write_events``.
    """
    if isinstance(destination, (str, os.PathLike)):
        _anbu.write_assessments(assessments, destination, format)
    else:
        _write(_anbu.write_assessments(assessments, None, format), destination)

"""One picture of a person: their signals over time, with the score, levels and alerts.

For a caseworker or a data scientist to see at a glance why an alert fired: which channels
went quiet, when the score rose, and what the strongest reason was when the alert started.
Times are drawn in the person's local time (their profile's time zone). Needs matplotlib
(``pip install 'anbu[plot]'``); ``timeline_data`` prepares what is drawn without it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from . import BUILTIN_PROFILES, Event, EventsLike, Profile, ProfileLike, TimeLike, events as _events

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from . import Sweep

__all__ = ["timeline", "timeline_data", "TimelineData", "operating_curve", "LEVEL_COLORS"]

#: Background colour of each level.
LEVEL_COLORS = {"normal": "#ffffff", "watch": "#fff3c4", "warning": "#ffd08a", "critical": "#ff9c8f"}
_ALERT_LEVELS = ("warning", "critical")
#: Colour of the incidents' hatching.
INCIDENT_COLOR = "#6c3483"


def _select(table: Any, person: str) -> Any:
    """The rows of ``person`` in a table, as a table of the same kind (polars, pandas,
    pyarrow: filtered column-wise, without a Python object per row of the others), or as a
    list for a list of dicts or objects."""
    if isinstance(table, (str, os.PathLike)):
        return [e for e in _events(table) if e.person == person]  # a file: read by the core
    if hasattr(table, "filter") and hasattr(table, "to_dicts"):  # polars
        import polars as pl

        return table.filter(pl.col("person") == person)
    if hasattr(table, "loc") and hasattr(table, "columns"):  # pandas
        return table[table["person"] == person]
    if hasattr(table, "__arrow_c_stream__") or hasattr(table, "__arrow_c_array__"):
        import pyarrow as pa
        import pyarrow.compute as pc

        t = pa.table(table)
        return t.filter(pc.equal(t.column("person"), person))
    return [r for r in table if (r.get("person") if isinstance(r, Mapping) else getattr(r, "person", None)) == person]


def _records(selected: Any) -> list[dict[str, Any]]:
    """Rows of a (small, selected) table as dicts."""
    if hasattr(selected, "to_dicts"):  # polars
        rows: list[dict[str, Any]] = selected.to_dicts()
        return rows
    if hasattr(selected, "to_pylist"):  # pyarrow
        return list(selected.to_pylist())
    if hasattr(selected, "to_dict") and hasattr(selected, "columns"):  # pandas
        return list(selected.to_dict("records"))
    return [r.to_dict() if hasattr(r, "to_dict") and not isinstance(r, Mapping) else dict(r) for r in selected]


def _time(value: Any, zone: tzinfo) -> datetime | None:
    """A time (an aware ``datetime``, a pandas ``Timestamp``, RFC 3339 text or epoch
    milliseconds, read as ``replay`` reads them) in ``zone``; ``None`` for a missing one."""
    if value is None:
        return None
    pandas = sys.modules.get("pandas")
    if pandas is not None and not isinstance(value, (str, int, float)) and pandas.isna(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    when: datetime = value if isinstance(value, datetime) else Event("_", value, "sos").ts  # the core reads text
    if when.tzinfo is None:
        raise ValueError(f"a time without a time zone: {when!r} (anbu times are aware)")
    return when.astimezone(zone)


def _profile_of(persons: Any, person: str) -> str | None:
    """The profile name of ``person`` in a persons argument (as ``replay`` takes it)."""
    if persons is None:
        return None
    if isinstance(persons, Mapping):
        value = persons.get(person)
        return value.get("profile") if isinstance(value, Mapping) else value
    rows = _records(_select(persons, person))
    return rows[0].get("profile") if rows else None


def _zone_name(person: str, persons: Any, profiles: ProfileLike | Sequence[ProfileLike] | None) -> str:
    """The time zone of the person's profile, else the built-in profiles' zone."""
    name = _profile_of(persons, person)
    given = [] if profiles is None else [profiles] if isinstance(profiles, (Profile, Mapping, str, os.PathLike)) else list(profiles)
    for p in given:
        profile = p if isinstance(p, Profile) else Profile.from_dict(p) if isinstance(p, Mapping) else Profile.from_file(p)
        if profile.name == name:
            return profile.timezone
    return Profile.builtin(name if name in BUILTIN_PROFILES else BUILTIN_PROFILES[0]).timezone


@dataclass
class TimelineData:
    """What ``timeline`` draws for one person: their events and assessment rows within the
    window, times in ``tz`` (the person's local time), and their incidents."""

    person: str
    #: The IANA time zone the times are in.
    tz: str
    #: The person's events in the window, in time order (``Event``; ``times`` has their local times).
    events: list[Event] = field(default_factory=list)
    #: Each event's ``ts`` in ``tz``.
    times: list[datetime] = field(default_factory=list)
    #: Assessment rows ``{at, score, level, action, reasons}`` in time order, ``at`` in ``tz``.
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: Incidents ``(start, end or None)`` in ``tz``.
    incidents: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    #: The window asked for, in ``tz`` (``None``: open).
    start: datetime | None = None
    end: datetime | None = None


def timeline_data(
    events: EventsLike,
    assessments: Any,
    person: str,
    *,
    persons: Any = None,
    profiles: ProfileLike | Sequence[ProfileLike] | None = None,
    incidents: Any = None,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    tz: str | None = None,
) -> TimelineData:
    """The data ``timeline`` draws: only ``person``'s rows are taken out of the tables (by
    Arrow / polars / pandas filtering, not a Python object per row of the cohort), their
    events validated by the core, times converted to the person's local time: ``tz``, else
    the time zone of their profile (found in ``persons`` and ``profiles``, as ``replay``
    takes them), else the built-in profiles' (Asia/Seoul). ``start`` / ``end`` (times as
    ``replay`` takes them) keep what lies within.
    """
    from zoneinfo import ZoneInfo

    name = tz or _zone_name(person, persons, profiles)
    zone = ZoneInfo(name)
    lo, hi = _time(start, zone), _time(end, zone)

    def inside(t: datetime) -> bool:
        return (lo is None or t >= lo) and (hi is None or t <= hi)

    picked = []
    for e in _events(_select(events, person)):
        local = _time(e.ts, zone)
        if local is not None and inside(local):
            picked.append((e, local))
    picked.sort(key=lambda p: p[1])
    rows = []
    for d in _records(_select(assessments, person)):
        at = _time(d["at"], zone)
        if at is None or not inside(at):
            continue
        reasons = d.get("reasons")
        rows.append(
            {
                "at": at,
                "score": float(d["score"]),
                "level": d["level"],
                "action": d.get("action", ""),
                "reasons": [r.to_dict() if hasattr(r, "to_dict") else r for r in reasons] if reasons is not None else [],
            }
        )
    rows.sort(key=lambda r: r["at"])
    spans: list[tuple[datetime, datetime | None]] = []
    for d in _records(_select(incidents, person)) if incidents is not None else []:
        began, ended = _time(d["start"], zone), _time(d.get("end"), zone)
        if began is not None and (hi is None or began <= hi) and (ended is None or lo is None or ended >= lo):
            spans.append((began, ended))
    return TimelineData(
        person=person,
        tz=name,
        events=[e for e, _ in picked],
        times=[t for _, t in picked],
        rows=rows,
        incidents=spans,
        start=lo,
        end=hi,
    )


def _episode_starts(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first row of each run of consecutive alerts (warning or above)."""
    starts = []
    previous = False
    for r in rows:
        alert = r["level"] in _ALERT_LEVELS
        if alert and not previous:
            starts.append(r)
        previous = alert
    return starts


def timeline(
    events: EventsLike,
    assessments: Any,
    person: str,
    *,
    persons: Any = None,
    profiles: ProfileLike | Sequence[ProfileLike] | None = None,
    incidents: Any = None,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    tz: str | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (11.0, 6.0),
) -> Figure:
    """Draws a person's events (one lane per signal and device) above their score over time,
    with each assessment's level as the background and each alert annotated with its action
    and strongest reason; ``incidents`` (a table with ``person``, ``start`` and ``end``, as
    ``simulate`` gives it) are drawn as hatched spans.

    ``events``: anything ``anbu.replay`` accepts; ``assessments``: ``replay``'s output (pandas,
    polars, pyarrow) or a list of ``Assessment``. The time axis is in the person's local
    time, and ``start`` / ``end`` limit it: see ``timeline_data`` (only the person's rows are
    converted, so a large cohort costs little). Returns a matplotlib ``Figure``; save it with
    ``fig.savefig("timeline.png")``.
    """
    try:
        from matplotlib.figure import Figure
        import matplotlib.dates as mdates
    except ImportError as missing:  # pragma: no cover - depends on the environment
        raise ImportError("anbu.plot needs matplotlib: pip install 'anbu[plot]'") from missing
    from zoneinfo import ZoneInfo

    data = timeline_data(
        events, assessments, person, persons=persons, profiles=profiles, incidents=incidents, start=start, end=end, tz=tz
    )
    mine, rows = list(zip(data.events, data.times)), data.rows
    if not mine and not rows:
        raise ValueError(f"no events and no assessments for person {person!r}")

    fig = Figure(figsize=figsize, layout="constrained")
    ax_events, ax_score = fig.subplots(2, 1, sharex=True, height_ratios=[1.1, 1.0])
    zone = ZoneInfo(data.tz)

    # Lanes: one per (signal, device), in the order of the spec's signals.
    order = ["sos", "checkin", "call", "app", "steps", "door", "plug", "meter", "away", "heartbeat"]
    lanes = sorted({(e.signal, e.device) for e, _ in mine}, key=lambda k: (order.index(k[0]), k[1]))
    lane_of = {k: i for i, k in enumerate(lanes)}
    colors = {
        "sos": "#c0392b", "checkin": "#8e44ad", "call": "#2471a3", "app": "#17a589", "steps": "#28b463",
        "door": "#b9770e", "plug": "#d35400", "meter": "#a04000", "away": "#7f8c8d", "heartbeat": "#aab7b8",
    }
    for (signal, device), y in lane_of.items():
        lane = [(e, t) for e, t in mine if e.signal == signal and e.device == device]
        times = [t for _, t in lane]
        if signal == "away":
            for ev, t in lane:
                until = _time(ev.to_dict().get("until"), zone) or t
                ax_events.plot([t, until], [y, y], color=colors[signal], linewidth=6, alpha=0.5)
        if signal in ("plug", "meter", "steps"):
            # Readings as a line within the lane: a flat line is a reading that merely repeats.
            key = "steps" if signal == "steps" else "watts"
            values = [float(e.to_dict().get(key, 0.0)) for e, _ in lane]
            peak = max(values) or 1.0
            heights = [y - 0.35 + 0.7 * v / peak for v in values]
            ax_events.step(times, heights, where="post", color=colors[signal], linewidth=1.2)
            ax_events.text(times[-1], y + 0.38, f"max {peak:g}", fontsize=7, ha="right", color=colors[signal])
            continue
        marker = "*" if signal == "sos" else "|"
        size = 90 if signal == "sos" else 60
        alpha = 0.4 if signal == "heartbeat" else 1.0
        ax_events.scatter(times, [y] * len(times), marker=marker, s=size, color=colors[signal], alpha=alpha)
    bad_checkins = [(e, t) for e, t in mine if e.signal == "checkin" and e.to_dict().get("outcome") != "answered"]
    if bad_checkins and ("checkin", "checkin") in lane_of:
        y = lane_of[("checkin", bad_checkins[0][0].device)]
        ax_events.scatter([t for _, t in bad_checkins], [y] * len(bad_checkins), marker="x", s=50, color="black")
    ax_events.set_yticks(range(len(lanes)), [s if s == d else f"{s} ({d})" for s, d in lanes])
    ax_events.set_ylim(-0.7, max(len(lanes), 1) - 0.3)
    ax_events.set_title(title or f"{person}: signals, score and alerts", loc="left")
    ax_events.grid(axis="x", alpha=0.3)

    # Score with levels as the background.
    if rows:
        times = [r["at"] for r in rows]
        step = (times[1] - times[0]) if len(times) > 1 else None
        for i, r in enumerate(rows):
            to = times[i + 1] if i + 1 < len(times) else (r["at"] + step if step else r["at"])
            if r["level"] != "normal":
                for ax in (ax_score, ax_events):
                    ax.axvspan(r["at"], to, color=LEVEL_COLORS[r["level"]], alpha=0.6, linewidth=0)
        ax_score.plot(times, [r["score"] for r in rows], color="#1b2631", linewidth=1.6, label="score")
        for r in _episode_starts(rows):
            strongest = r["reasons"][0] if r["reasons"] else None
            why = f"{strongest['kind']} ({strongest['signal']})" if strongest else ""
            ax_score.annotate(
                f"{r['level']} → {r['action']}\n{why}",
                xy=(r["at"], r["score"]),
                xytext=(0, 18),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                arrowprops={"arrowstyle": "->", "color": "#1b2631"},
            )
            ax_score.scatter([r["at"]], [r["score"]], color="#c0392b", zorder=3, s=25)
    # Incidents (ground truth): hatched from start to end (or to the window's right edge).
    last = max([t for _, t in mine] + [r["at"] for r in rows])
    for s_, e_ in data.incidents:
        for ax in (ax_score, ax_events):
            ax.axvspan(s_, e_ or data.end or last, facecolor="none", edgecolor=INCIDENT_COLOR, hatch="//", linewidth=0.8)
            ax.axvline(s_, color=INCIDENT_COLOR, linewidth=1.2)
    ax_score.set_ylim(0, 105)
    ax_score.set_ylabel("score")
    ax_score.grid(alpha=0.3)
    handles = [_patch(LEVEL_COLORS[k], k) for k in ("watch", "warning", "critical")]
    if data.incidents:
        handles.append(_patch("none", "incident", hatch="//", edgecolor=INCIDENT_COLOR))
    ax_score.legend(handles=handles, loc="upper left", fontsize=8, ncols=len(handles))
    if data.start is not None or data.end is not None:
        ax_score.set_xlim(data.start, data.end)
    locator = mdates.AutoDateLocator(tz=zone)
    ax_score.xaxis.set_major_locator(locator)
    ax_score.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=zone))
    ax_score.set_xlabel(f"local time ({data.tz})")
    return fig


def operating_curve(sweep: "Sweep", *, group: str = "all", budget: float | None = None) -> "Figure":
    """The operating curve of a ``sweep`` (``anbu.sweep``): for each value of the swept key,
    the share of incidents detected within 24 h and overall (y) against false alert episodes
    per 100 person-months (x), each point labelled with its value and median time to detect.
    ``group``: a profile's name, or ``"all"``. With a ``budget``, a dashed line marks it and
    the value ``Sweep.within_budget`` picks is circled. Returns a matplotlib ``Figure``.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError as missing:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("anbu.plot needs matplotlib: pip install 'anbu[plot]'") from missing

    points = []
    for value, report in zip(sweep.values, sweep.reports):
        m = report.overall if group == "all" else report.by_profile.get(group)
        if m is None:
            continue
        n = m["incidents"] or 1
        points.append((value, m["false_per_100_pm"], m["detected_within_24h"] / n, m["detected"] / n, m["ttd_median_h"]))
    if not points:
        raise ValueError(f"no point of the sweep has the group {group!r}")
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    xs = [p[1] for p in points]
    ax.plot(xs, [p[2] for p in points], marker="o", color="#c0392b", label="detected within 24 h")
    ax.plot(xs, [p[3] for p in points], marker="s", color="#1b2631", alpha=0.6, label="detected")
    for value, x, within, _, ttd in points:
        ttd_text = "-" if ttd is None else f"{ttd:.1f} h"
        ax.annotate(f"{value:g}\n{ttd_text}", xy=(x, within), xytext=(4, -22), textcoords="offset points", fontsize=8)
    if budget is not None:
        ax.axvline(budget, linestyle="--", color="#7f8c8d", label=f"budget {budget:g} /100 pm")
        pick = sweep.within_budget(budget, group)
        for value, x, within, _, _ in points:
            if pick is not None and value == pick:
                ax.scatter([x], [within], s=220, facecolors="none", edgecolors="#2e86c1", linewidths=2, zorder=3)
    ax.set_xlabel("false alert episodes per 100 person-months")
    ax.set_ylabel("share of incidents")
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    ax.set_title(f"{group}: {sweep.key} (labels: value, median time to detect)", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def _patch(color: str, label: str, **style: Any) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=color, label=label, **style)


"""One picture of a person: their signals over time, with the score, levels and alerts.

For a caseworker or a data scientist to see at a glance why an alert fired: which channels
went quiet, when the score rose, and what the strongest reason was when the alert started.
Needs matplotlib (``pip install 'anbu[plot]'``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

from . import EventsLike, events as _events

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from . import Sweep

__all__ = ["timeline", "operating_curve", "LEVEL_COLORS"]

#: Background colour of each level.
LEVEL_COLORS = {"normal": "#ffffff", "watch": "#fff3c4", "warning": "#ffd08a", "critical": "#ff9c8f"}
_ALERT_LEVELS = ("warning", "critical")


def _assessment_rows(assessments: Any, person: str) -> list[dict[str, Any]]:
    """Rows ``{at, score, level, action, reasons}`` of one person, from any replay output."""
    if hasattr(assessments, "to_dicts"):  # polars
        rows: Iterable[Any] = assessments.to_dicts()
    elif hasattr(assessments, "to_pylist"):  # pyarrow
        rows = assessments.to_pylist()
    elif hasattr(assessments, "to_dict") and hasattr(assessments, "columns"):  # pandas
        rows = assessments.to_dict("records")
    else:  # Assessment objects or dicts
        rows = assessments
    out = []
    for r in rows:
        d = r.to_dict() if hasattr(r, "to_dict") and not isinstance(r, dict) else r
        if d["person"] != person:
            continue
        at = d["at"]
        if hasattr(at, "to_pydatetime"):
            at = at.to_pydatetime()
        reasons = d.get("reasons")
        out.append(
            {
                "at": at,
                "score": float(d["score"]),
                "level": d["level"],
                "action": d.get("action", ""),
                "reasons": list(reasons) if reasons is not None else [],
            }
        )
    out.sort(key=lambda r: r["at"])
    return out


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
    title: str | None = None,
    figsize: tuple[float, float] = (11.0, 6.0),
) -> Figure:
    """Draws a person's events (one lane per signal and device) above their score over time,
    with each assessment's level as the background and each alert annotated with its action
    and strongest reason.

    ``events``: anything ``anbu.replay`` accepts; ``assessments``: ``replay``'s output (pandas,
    polars, pyarrow) or a list of ``Assessment``. Returns a matplotlib ``Figure``; save it
    with ``fig.savefig("timeline.png")``.
    """
    try:
        from matplotlib.figure import Figure
        import matplotlib.dates as mdates
    except ImportError as missing:  # pragma: no cover - depends on the environment
        raise ImportError("anbu.plot needs matplotlib: pip install 'anbu[plot]'") from missing

    mine = [e for e in _events(events) if e.person == person]
    rows = _assessment_rows(assessments, person)
    if not mine and not rows:
        raise ValueError(f"no events and no assessments for person {person!r}")

    fig = Figure(figsize=figsize, layout="constrained")
    ax_events, ax_score = fig.subplots(2, 1, sharex=True, height_ratios=[1.1, 1.0])

    # Lanes: one per (signal, device), in the order of the spec's signals.
    order = ["sos", "checkin", "call", "app", "steps", "door", "plug", "meter", "away", "heartbeat"]
    lanes = sorted({(e.signal, e.device) for e in mine}, key=lambda k: (order.index(k[0]), k[1]))
    lane_of = {k: i for i, k in enumerate(lanes)}
    colors = {
        "sos": "#c0392b", "checkin": "#8e44ad", "call": "#2471a3", "app": "#17a589", "steps": "#28b463",
        "door": "#b9770e", "plug": "#d35400", "meter": "#a04000", "away": "#7f8c8d", "heartbeat": "#aab7b8",
    }
    for (signal, device), y in lane_of.items():
        times = [e.ts for e in mine if e.signal == signal and e.device == device]
        if signal == "away":
            for ev in mine:
                if ev.signal == "away" and ev.device == device:
                    until = ev.to_dict().get("until", ev.ts)
                    ax_events.plot([ev.ts, until], [y, y], color=colors[signal], linewidth=6, alpha=0.5)
        if signal in ("plug", "meter", "steps"):
            # Readings as a line within the lane: a flat line is a reading that merely repeats.
            key = "steps" if signal == "steps" else "watts"
            values = [float(e.to_dict().get(key, 0.0)) for e in mine if e.signal == signal and e.device == device]
            peak = max(values) or 1.0
            heights = [y - 0.35 + 0.7 * v / peak for v in values]
            ax_events.step(times, heights, where="post", color=colors[signal], linewidth=1.2)
            ax_events.text(times[-1], y + 0.38, f"max {peak:g}", fontsize=7, ha="right", color=colors[signal])
            continue
        marker = "*" if signal == "sos" else "|"
        size = 90 if signal == "sos" else 60
        alpha = 0.4 if signal == "heartbeat" else 1.0
        ax_events.scatter(times, [y] * len(times), marker=marker, s=size, color=colors[signal], alpha=alpha)
    bad_checkins = [e for e in mine if e.signal == "checkin" and e.to_dict().get("outcome") != "answered"]
    if bad_checkins and ("checkin", "checkin") in lane_of:
        y = lane_of[("checkin", bad_checkins[0].device)]
        ax_events.scatter([e.ts for e in bad_checkins], [y] * len(bad_checkins), marker="x", s=50, color="black")
    ax_events.set_yticks(range(len(lanes)), [s if s == d else f"{s} ({d})" for s, d in lanes])
    ax_events.set_ylim(-0.7, max(len(lanes), 1) - 0.3)
    ax_events.set_title(title or f"{person}: signals, score and alerts", loc="left")
    ax_events.grid(axis="x", alpha=0.3)

    # Score with levels as the background.
    if rows:
        times = [r["at"] for r in rows]
        step = (times[1] - times[0]) if len(times) > 1 else None
        for i, r in enumerate(rows):
            end = times[i + 1] if i + 1 < len(times) else (r["at"] + step if step else r["at"])
            if r["level"] != "normal":
                for ax in (ax_score, ax_events):
                    ax.axvspan(r["at"], end, color=LEVEL_COLORS[r["level"]], alpha=0.6, linewidth=0)
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
    ax_score.set_ylim(0, 105)
    ax_score.set_ylabel("score")
    ax_score.grid(alpha=0.3)
    handles = [_patch(LEVEL_COLORS[k], k) for k in ("watch", "warning", "critical")]
    ax_score.legend(handles=handles, loc="upper left", fontsize=8, ncols=3)
    locator = mdates.AutoDateLocator()
    ax_score.xaxis.set_major_locator(locator)
    ax_score.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax_score.set_xlabel("time (UTC)")
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


def _patch(color: str, label: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=color, label=label)


"""Measures anbu on world C against the smart-plug service's seed rule.

    python world-c/run.py [--persons 300] [--days 90] [--seeds 3] [--first-seed 1]

For each seed: generates world C, replays it through ``anbu.replay_closed_loop`` (anbu's
check-in calls answered by world C's responder), scores the assessments with
``anbu.backtest`` and with the independent scorer below (written from docs/interchange.md's
definitions), computes the seed plug rule ("no change in power or light for 24 h") from the
raw plug readings, and prints the tables; then the same pooled over the seeds.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import anbu  # noqa: E402
import world_c  # noqa: E402

HOUR_MS = 3_600_000
MONTH_MS = 30 * 24 * HOUR_MS
#: The seed rule: the smart-plug service alerts after this long without a change.
SEED_RULE_MS = 24 * HOUR_MS
#: What counts as a change of a plug reading (the seed rule's, as the contract's `no_change`
#: defaults state it): watts by more than max(5 W, 15 %), or lux by more than max(30 lux, 15 %).
WATTS_TOL, LUX_TOL, REL_TOL = 5.0, 30.0, 0.15
ALERT_LEVELS = ("warning", "critical")


def _ms(series: pd.Series) -> np.ndarray:
    """Epoch milliseconds of a tz-aware datetime column."""
    return series.dt.tz_convert("UTC").astype("datetime64[ms, UTC]").astype("int64").to_numpy()


def scored_rows(rows: pd.DataFrame, world: world_c.World) -> pd.DataFrame:
    """The assessment rows to score: a person found after a collapse (or taken in when
    bedridden) leaves the cohort then, and their rows after it are dropped."""
    gone = world.cases.set_index("person")["gone_at"]
    cutoff = rows["person"].astype(str).map(gone)
    keep = cutoff.isna() | (rows["at"] <= cutoff)
    return rows.loc[keep.to_numpy()].reset_index(drop=True)


@dataclass
class Track:
    """Per-person alert track on the hourly grid: the grid times and whether each alerts,
    and when each asks for anything (anbu) and reached dispatch."""

    at: np.ndarray
    alert: np.ndarray
    ask: np.ndarray
    dispatch: np.ndarray


@dataclass
class Score:
    """One detector's counts on one world (or pooled)."""

    incidents: int = 0
    detected: int = 0
    within_24h: int = 0
    ttd_h: list[float] = field(default_factory=list)
    false_episodes: int = 0
    false_dispatches: int = 0
    person_months: float = 0.0
    #: Calls placed in the closed loop: automatic (asked for at `checkin_call`) and the
    #: caseworker's (at `notify`); none for a rule without calls.
    calls: int | None = None
    staff_calls: int | None = None

    def add(self, other: Score) -> None:
        self.incidents += other.incidents
        self.detected += other.detected
        self.within_24h += other.within_24h
        self.ttd_h += other.ttd_h
        self.false_episodes += other.false_episodes
        self.false_dispatches += other.false_dispatches
        self.person_months += other.person_months
        if other.calls is not None:
            self.calls = (self.calls or 0) + other.calls
        if other.staff_calls is not None:
            self.staff_calls = (self.staff_calls or 0) + other.staff_calls

    def median(self) -> float | None:
        """Median time to detect by nearest rank, as the contract's backtest gives it."""
        if not self.ttd_h:
            return None
        ranked = sorted(self.ttd_h)
        return ranked[max(int(np.ceil(0.5 * len(ranked))) - 1, 0)]

    def per_100pm(self, n: int | None) -> str:
        if n is None:
            return "—"
        return f"{100 * n / self.person_months:.1f}" if self.person_months else "—"


def anbu_tracks(rows: pd.DataFrame) -> dict[str, Track]:
    """anbu's assessments as per-person tracks."""
    tracks = {}
    at = _ms(rows["at"])
    level = rows["level"].astype(str).to_numpy()
    action = rows["action"].astype(str).to_numpy()
    for person, idx in rows.groupby(rows["person"].astype(str), sort=True).indices.items():
        order = idx[np.argsort(at[idx], kind="stable")]
        tracks[person] = Track(
            at=at[order],
            alert=np.isin(level[order], ALERT_LEVELS),
            ask=action[order] != "none",
            dispatch=action[order] == "dispatch",
        )
    return tracks


def seed_rule_tracks(events: pd.DataFrame, world: world_c.World, grid: dict[str, Track]) -> dict[str, Track]:
    """The seed plug rule on the same hourly grid as anbu's rows, for the persons whose profile
    watches the plug: it alerts while the time since the plug's last change (or its first
    reading) is 24 h or more. A plug that stops reporting makes no change, so the rule fires 24 h
    after its last one. The service knows registered absences: it is silent during one."""
    plug_people = set(world.persons.loc[world.persons["profile"].isin(world_c.PLUG_PROFILES), "person"])
    plug = events.loc[events["signal"] == "plug", ["person", "ts", "watts", "lux"]]
    plug = plug.assign(person=plug["person"].astype(str), ms=_ms(plug["ts"])).sort_values(["person", "ms"])
    away = world.cases.set_index("person")[["away_start", "away_end"]]
    tracks = {}
    for person, g in plug.groupby("person", sort=True):
        if person not in plug_people or person not in grid:
            continue
        ms = g["ms"].to_numpy()
        w = g["watts"].to_numpy(dtype=float)
        lux = g["lux"].to_numpy(dtype=float, na_value=np.nan)
        dw = np.abs(np.diff(w)) > np.maximum(WATTS_TOL, REL_TOL * np.maximum(w[1:], w[:-1]))
        dl = np.abs(np.diff(lux)) > np.maximum(LUX_TOL, REL_TOL * np.maximum(lux[1:], lux[:-1]))
        changed = np.concatenate([[True], dw | np.nan_to_num(dl, nan=0).astype(bool)])  # the first reading starts the clock
        ref = ms[changed]
        at = grid[person].at
        i = np.searchsorted(ref, at, side="right") - 1
        alert = (i >= 0) & (at - ref[np.maximum(i, 0)] >= SEED_RULE_MS)
        a_start, a_end = away.loc[person]
        if pd.notna(a_start):
            alert &= ~((at >= a_start.value // 1_000_000) & (at <= a_end.value // 1_000_000))
        none = np.zeros(len(at), bool)
        tracks[person] = Track(at=at, alert=alert, ask=alert, dispatch=none)
    return tracks


def windows(incidents: pd.DataFrame) -> dict[str, list[tuple[int, int, int]]]:
    """Per person, their incidents' windows ``(start, end, row index)`` in epoch ms."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    for k, (person, s, e) in enumerate(zip(incidents["person"], _ms(incidents["start"]), _ms(incidents["end"]))):
        out.setdefault(str(person), []).append((int(s), int(e), k))
    return out


def first_in(track: Track | None, flags: str, s: int, e: int) -> int | None:
    """The first grid time in ``[s, e]`` whose ``flags`` (``alert`` or ``ask``) is set."""
    if track is None:
        return None
    hit = np.flatnonzero(getattr(track, flags) & (track.at >= s) & (track.at <= e))
    return int(track.at[hit[0]]) if len(hit) else None


def alert_began(track: Track, at: int) -> int:
    """The first grid time of the alerting run that holds ``at``."""
    i = int(np.searchsorted(track.at, at))
    quiet = np.flatnonzero(~track.alert[: i + 1])
    return int(track.at[quiet[-1] + 1]) if len(quiet) else int(track.at[0])


def score(tracks: dict[str, Track], incidents: pd.DataFrame, persons: list[str]) -> tuple[Score, list[int | None]]:
    """Scores tracks by the contract's definitions (Incidents and backtests): returns the
    counts, and per incident (in the table's order) the first alerting grid time or None.
    Person-months are counted over ``persons`` (those with rows)."""
    wins = windows(incidents)
    result = Score(incidents=len(incidents))
    detected_at: list[int | None] = [None] * len(incidents)
    for person, win in wins.items():
        for s, e, k in win:
            hit = first_in(tracks.get(person), "alert", s, e)
            detected_at[k] = hit
            if hit is not None:
                ttd = (hit - s) / HOUR_MS
                result.detected += 1
                result.within_24h += ttd <= 24
                result.ttd_h.append(ttd)
    for person, t in tracks.items():
        if not len(t.at):
            continue
        inside = np.zeros(len(t.at), bool)
        for s, e, _ in wins.get(person, []):
            inside |= (t.at >= s) & (t.at <= e)
        # Runs of consecutive alerting rows.
        edges = np.diff(np.concatenate([[0], t.alert.astype(np.int8), [0]]))
        for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            if not inside[a:b].any():
                result.false_episodes += 1
                result.false_dispatches += bool(t.dispatch[a:b].any())
    for person in persons:
        at = tracks[person].at if person in tracks else np.array([])
        if len(at):
            result.person_months += (at[-1] - at[0] + HOUR_MS) / MONTH_MS
    return result, detected_at


@dataclass
class Run:
    """One seed's results: anbu over everyone and over the plug-watching persons, the seed plug
    rule over the plug-watching persons, all seed rules (each profile in fixed mode, open loop)
    over everyone, anbu.backtest's overall row, anbu by incident kind,
    false alert episodes by field case, and the incidents where anbu asked late."""

    seed: int
    anbu: Score
    anbu_plug: Score
    seed_rule: Score
    fixed: Score
    backtest: dict[str, Any]
    agree: bool
    by_kind: dict[str, Score]
    false_by_case: dict[str, tuple[int, int]]
    late: list[dict[str, Any]]


def _ms_of(t: pd.Timestamp) -> int:
    return int(t.value // 1_000_000)


def run_world(persons: int, days: int, seed: int) -> Run:
    """Generates one world, replays it in the closed loop and scores it."""
    world = world_c.generate(persons, days, seed)
    rows = anbu.replay_closed_loop(world.events, world.persons, world.responder, every="1h")
    rows = scored_rows(rows, world)
    report = anbu.backtest(rows, world.incidents[["person", "start", "end"]], world.persons)
    tracks = anbu_tracks(rows)
    people = sorted(tracks)
    cases = world.cases.set_index("person")
    calls = placed_calls(rows, world.responder.asked)

    anbu_score, hits = score(tracks, world.incidents, people)
    anbu_score.calls = sum(c[0] for c in calls.values())
    anbu_score.staff_calls = sum(c[1] for c in calls.values())
    theirs = [r["detected_at"] for r in report.incidents("records")]
    agree = (
        report.overall["detected"] == anbu_score.detected
        and report.overall["false_episodes"] == anbu_score.false_episodes
        and report.overall["false_dispatches"] == anbu_score.false_dispatches
        and [None if t is None else _ms_of(pd.Timestamp(t)) for t in theirs] == hits
    )

    # All seed rules: each person's own profile in `fixed` mode, open loop (its alerts count
    # as raised, as the seed rules' do).
    fixed_profiles = [
        anbu.Profile.from_dict({"name": f"{p}_fixed", "extends": p, "routine": {"mode": "fixed"}})
        for p in anbu.BUILTIN_PROFILES
    ]
    fixed_persons = world.persons.assign(profile=world.persons["profile"].astype(str) + "_fixed")
    fixed_rows = scored_rows(anbu.replay(world.events, fixed_persons, profiles=fixed_profiles, every="1h"), world)
    fixed_score, _ = score(anbu_tracks(fixed_rows), world.incidents, people)

    seed_tracks = seed_rule_tracks(world.events, world, tracks)
    plug_people = [p for p in people if p in seed_tracks]
    plug_incidents = world.incidents[world.incidents["person"].isin(plug_people)].reset_index(drop=True)
    seed_score, _ = score(seed_tracks, plug_incidents, plug_people)
    anbu_plug, _ = score({p: tracks[p] for p in plug_people}, plug_incidents, plug_people)
    anbu_plug.calls = sum(calls.get(p, (0, 0))[0] for p in plug_people)
    anbu_plug.staff_calls = sum(calls.get(p, (0, 0))[1] for p in plug_people)

    by_kind: dict[str, Score] = {}
    for kind, group in world.incidents.groupby("kind"):
        by_kind[str(kind)], _ = score({p: tracks[p] for p in group["person"] if p in tracks}, group.reset_index(drop=True), [])

    false_by_case: dict[str, tuple[int, int]] = {}
    for person in people:
        own = world.incidents[world.incidents["person"] == person].reset_index(drop=True)
        mine, _ = score({person: tracks[person]}, own, [])
        rule = score({person: seed_tracks[person]}, own, [])[0].false_episodes if person in seed_tracks else 0
        case = str(cases.at[person, "field_case"])
        a, b = false_by_case.get(case, (0, 0))
        false_by_case[case] = (a + mine.false_episodes, b + rule)

    late = []
    for inc in world.incidents.itertuples():
        if inc.person not in seed_tracks:
            continue
        s, e = _ms_of(inc.start), _ms_of(inc.end)
        fired = first_in(seed_tracks[inc.person], "alert", s, e)
        asked = first_in(tracks.get(inc.person), "ask", s, e)
        # As the worlds example counts it: only where the seed rule was not already alerting
        # when the incident began (a plug pulled out days before alerts all along).
        began = None if fired is None else alert_began(seed_tracks[inc.person], fired)
        if fired is not None and began is not None and began >= s and (asked is None or asked > fired + HOUR_MS):
            detected = first_in(tracks.get(inc.person), "alert", s, e)
            late.append(
                {
                    "seed": seed,
                    "person": inc.person,
                    "profile": cases.at[inc.person, "profile"],
                    "kind": inc.kind,
                    "field_case": cases.at[inc.person, "field_case"],
                    "start": inc.start,
                    "seed_rule_fired_h": (fired - s) / HOUR_MS,
                    "seed_alert_began_h": (began - s) / HOUR_MS,
                    "anbu_asked_h": None if asked is None else (asked - s) / HOUR_MS,
                    "anbu_detected_h": None if detected is None else (detected - s) / HOUR_MS,
                }
            )
    return Run(seed, anbu_score, anbu_plug, seed_score, fixed_score, report.overall, agree, by_kind, false_by_case, late)


#: The closed loop places a call this long after the assessment that asked for it
#: (`anbu.replay_closed_loop`'s default `policy["delay"]`).
CALL_DELAY_MS = 5 * 60_000


def placed_calls(rows: pd.DataFrame, asked: list[tuple[str, int]]) -> dict[str, tuple[int, int]]:
    """Per person, the calls the closed loop placed among the scored rows' hours: automatic
    (the assessment that asked for it at ``checkin_call``) and the caseworker's (at ``notify``)."""
    action = dict(zip(zip(rows["person"].astype(str), _ms(rows["at"])), rows["action"].astype(str)))
    out: dict[str, tuple[int, int]] = {}
    for person, ms in asked:
        kind = action.get((person, ms - CALL_DELAY_MS))
        auto, staff = out.get(person, (0, 0))
        out[person] = (auto + (kind == "checkin_call"), staff + (kind == "notify"))
    return out


def _fmt(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def table(rows: list[tuple[str, Score, bool]]) -> str:
    """A markdown table of scores: (name, score, whether it has dispatches and calls)."""
    lines = [
        "| detector | incidents | detected | within 24 h | median h | false alert episodes /100 pm | false dispatches /100 pm "
        "| automatic calls placed /100 pm | caseworker's calls placed /100 pm |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s, full in rows:
        lines.append(
            f"| {name} | {s.incidents} | {s.detected} | {s.within_24h} | {_fmt(s.median())} | "
            f"{s.per_100pm(s.false_episodes)} | {s.per_100pm(s.false_dispatches) if full else '—'} | "
            f"{s.per_100pm(s.calls) if full else '—'} | {s.per_100pm(s.staff_calls) if full else '—'} |"
        )
    return "\n".join(lines)


def _rows(seed_rule: Score, anbu_plug: Score, fixed: Score, everyone: Score) -> list[tuple[str, Score, bool]]:
    return [
        ("seed plug rule (plug-watching persons)", seed_rule, False),
        ("anbu closed loop (plug-watching persons)", anbu_plug, True),
        ("all seed rules: each profile in fixed mode, open loop (everyone)", fixed, False),
        ("anbu closed loop (everyone)", everyone, True),
    ]


def kind_table(by_kind: dict[str, Score]) -> str:
    lines = ["| incident kind | incidents | detected | within 24 h | median h |", "|---|---|---|---|---|"]
    for kind in world_c.INCIDENT_KINDS:
        s = by_kind.get(kind, Score())
        lines.append(f"| {kind} | {s.incidents} | {s.detected} | {s.within_24h} | {_fmt(s.median())} |")
    return "\n".join(lines)


def late_table(late: list[dict[str, Any]]) -> str:
    if not late:
        return "(none: anbu asked no later than 1 h after the seed plug rule began to alert, in every incident)"
    lines = [
        "| seed | person | profile | kind | field case | start (UTC) | seed rule alerting from h | its run began h | anbu asked h | anbu detected h |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in late:
        lines.append(
            f"| {r['seed']} | {r['person']} | {r['profile']} | {r['kind']} | {r['field_case']} | "
            f"{r['start']:%Y-%m-%d %H:%M} | {_fmt(r['seed_rule_fired_h'])} | {_fmt(r['seed_alert_began_h'])} | "
            f"{_fmt(r['anbu_asked_h'])} | "
            f"{_fmt(r['anbu_detected_h'])} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    pooled_anbu, pooled_plug, pooled_seed, pooled_fixed = Score(), Score(), Score(), Score()
    pooled_case: dict[str, tuple[int, int]] = {}
    pooled_kind: dict[str, Score] = {}
    late: list[dict[str, Any]] = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        t = time.perf_counter()
        r = run_world(args.persons, args.days, seed)
        print(f"\n## seed {seed} ({args.persons} persons x {args.days} days, {time.perf_counter() - t:.1f} s)\n")
        print(table(_rows(r.seed_rule, r.anbu_plug, r.fixed, r.anbu)))
        b = r.backtest
        print(
            f"\nanbu.backtest overall: incidents {b['incidents']}, detected {b['detected']}, within 24 h "
            f"{b['detected_within_24h']}, median {_fmt(b['ttd_median_h'])} h, false episodes {b['false_episodes']} "
            f"({_fmt(b['false_per_100_pm'])} /100 pm), false dispatches {b['false_dispatches']}, "
            f"check-in calls {_fmt(b['checkin_calls_per_100_pm'])} /100 pm (runs), person-months {b['person_months']:.1f}"
        )
        print(f"own scorer agrees with anbu.backtest (detected, detected_at, false episodes and dispatches): {'yes' if r.agree else 'NO'}")
        pooled_anbu.add(r.anbu)
        pooled_plug.add(r.anbu_plug)
        pooled_seed.add(r.seed_rule)
        pooled_fixed.add(r.fixed)
        for case, (by_anbu, by_rule) in r.false_by_case.items():
            x, y = pooled_case.get(case, (0, 0))
            pooled_case[case] = (x + by_anbu, y + by_rule)
        for kind, s in r.by_kind.items():
            pooled_kind.setdefault(kind, Score()).add(s)
        late += r.late
    print(f"\n## pooled: seeds {args.first_seed}..{args.first_seed + args.seeds - 1}\n")
    print(table(_rows(pooled_seed, pooled_plug, pooled_fixed, pooled_anbu)))
    print("\n### anbu by incident kind\n")
    print(kind_table(pooled_kind))
    print("\n### false alert episodes by field case (counts)\n")
    print("| field case | anbu | seed plug rule |\n|---|---|---|")
    for case, (by_anbu, by_rule) in sorted(pooled_case.items()):
        print(f"| {case} | {by_anbu} | {by_rule} |")
    print(
        "\n### incidents where anbu first asked more than 1 h after the seed plug rule began to alert "
        "(not already alerting when they began)\n"
    )
    print(late_table(late))
    print(f"\nwall time: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

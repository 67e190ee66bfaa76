"""World C: a third simulated cohort of older people living alone, written apart from anbu.

``generate(persons, days, seed)`` returns a :class:`World`: the interchange contract's events,
persons and incidents tables (pandas), each person's story (``cases``), and a responder that
answers anbu's check-in calls as the person's simulated life allows at that moment.

Every life is painted minute by minute into a state array (asleep, at home, out with or without
the phone, away, in hospital, collapsed, ...), from which the devices' readings are derived:
the smart plug every 15 minutes (watts and lux), the step app hourly, the door contact at each
outing, the call log, the phone's app use. The parameters come from published figures (see
``README.md``); the numbers quoted in comments are those figures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Literal

import numpy as np
import pandas as pd

KST = timezone(timedelta(hours=9))
MINUTE_MS = 60_000
DAY_MIN = 1440

# A person's state in one minute.
HOME, ASLEEP, OUT_PHONE, OUT_NOPHONE, AWAY, HOSPITAL, DOWN, ILL, BEDRIDDEN, GONE = range(10)
#: States in which the person is inside the home (the door is not between them and the street).
INSIDE = (HOME, ASLEEP, DOWN, ILL, BEDRIDDEN)
#: States in which the person is up at home and may use the TV, the lamp and the phone.
HOME_AWAKE = (HOME, ILL)

#: The built-in profiles and the devices each watches (docs/interchange.md, Profiles), with the
#: share of the cohort on each.
PROFILES: dict[str, tuple[str, float]] = {
    "plug_only": ("plug,checkin", 0.20),
    "call_only": ("call,checkin", 0.15),
    "call_app": ("call,steps,app,checkin", 0.20),
    "call_iot": ("call,door,plug,checkin", 0.20),
    "full": ("call,steps,door,plug,app,checkin", 0.25),
}
#: Profiles whose persons are watched by the smart plug (and so by its seed rule).
PLUG_PROFILES = frozenset({"plug_only", "call_iot", "full"})

#: Field cases (at most one a person) with their share and the device a person needs for it.
FIELD_CASES: dict[str, tuple[float, str | None]] = {
    "tv_always_on": (0.10, "plug"),
    "plug_pulled": (0.06, "plug"),
    "silent_phone": (0.07, None),
    "prepaid_no_credit": (0.05, "call"),
    "hospital_unregistered": (0.05, None),
    "long_outings": (0.07, None),
}
#: Incident kinds and their shares among incidents.
INCIDENT_KINDS: dict[str, float] = {
    "collapse": 0.45,
    "acute_illness": 0.20,
    "bedridden": 0.15,
    "decline_collapse": 0.20,
}
#: Share of persons with an incident (at most one each).
INCIDENT_SHARE = 0.13
#: Share of persons with one registered absence (`away`).
AWAY_SHARE = 0.15

Answer = Literal["answered", "missed", "unreachable"]


@dataclass
class _Life:
    """What the responder needs to know of one person's life."""

    state: np.ndarray  # int8 per minute
    act: np.ndarray  # activity multiplier per day (decline, illness)
    phone_dead_min: int  # minute from which the phone is off for good (battery flat)
    answer_p: float  # share of check-in calls answered when up at home
    silent: bool


@dataclass
class Responder:
    """Answers a check-in call (automatic or the caseworker's) as the person's life allows.

    Deterministic: the outcome of a call depends only on the seed, the person and the time.
    ``asked`` records every call it was asked for, as ``(person, epoch ms)``.
    """

    seed: int
    t0_ms: int
    lives: dict[str, _Life]
    asked: list[tuple[str, int]] = field(default_factory=list)

    def _uniform(self, person: str, ms: int) -> float:
        digest = hashlib.blake2b(f"{self.seed}:{person}:{ms}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "little") / 2**64

    def __call__(self, person: str, at: datetime) -> Answer:
        ms = int(at.timestamp() * 1000)
        self.asked.append((person, ms))
        life = self.lives[person]
        minute = min(max((ms - self.t0_ms) // MINUTE_MS, 0), len(life.state) - 1)
        state = int(life.state[minute])
        if state in (HOSPITAL, GONE) or minute >= life.phone_dead_min:
            return "unreachable"
        if state in (DOWN, BEDRIDDEN, OUT_NOPHONE):
            return "missed"
        p = {
            HOME: life.answer_p,
            ILL: 0.5,
            ASLEEP: 0.1,
            OUT_PHONE: 0.7,
            AWAY: 0.7,
        }[state]
        if life.silent:
            p = min(p, 0.1)
        p *= 0.4 + 0.6 * float(life.act[minute // DAY_MIN])
        return "answered" if self._uniform(person, ms) < p else "missed"


@dataclass
class World:
    """A generated world: the contract's tables, each person's story, and the responder.

    ``incidents``: ``person``, ``start``, ``end`` (the contract's columns) and ``kind``.
    ``cases``: one row per person: ``profile``, ``field_case`` (or ``none``), ``incident``
    (kind or ``none``), the registered absence (``away_start``, ``away_end``, or NaT) and
    ``gone_at``: when a person found after a collapse or bedridden left the cohort (NaT
    otherwise); the person has no events after it and is not to be scored after it.
    """

    events: pd.DataFrame
    persons: pd.DataFrame
    incidents: pd.DataFrame
    cases: pd.DataFrame
    responder: Responder
    start: datetime
    end: datetime


def _cover(n: int, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A bool mask of length ``n`` covering the half-open intervals ``[starts, ends)``."""
    s = np.clip(np.asarray(starts, np.int64), 0, n)
    e = np.clip(np.asarray(ends, np.int64), 0, n)
    keep = e > s
    diff = np.zeros(n + 1, np.int32)
    np.add.at(diff, s[keep], 1)
    np.add.at(diff, e[keep], -1)
    return np.cumsum(diff[:-1]) > 0


def _sun_hours(start: datetime, days: int) -> tuple[np.ndarray, np.ndarray]:
    """Local sunrise and sunset in Seoul (37.57 N, 126.98 E, UTC+9), hours, per day."""
    doy = start.timetuple().tm_yday + np.arange(days)
    decl = np.radians(23.44) * np.sin(2 * np.pi * (284 + doy) / 365)
    lat = np.radians(37.57)
    half = np.degrees(np.arccos(-np.tan(lat) * np.tan(decl))) / 15
    noon = 12 + (135 - 126.98) / 15
    return noon - half, noon + half


def _pick(rng: np.random.Generator, shares: dict[str, float]) -> str:
    names = list(shares)
    p = np.array([shares[n] for n in names])
    return str(names[rng.choice(len(names), p=p / p.sum())])


class _Builder:
    """Accumulates event columns of all persons, then makes one DataFrame."""

    COLUMNS = ("device", "direction", "answered", "duration_s", "steps", "interval_s", "state", "watts", "lux", "action", "until")

    def __init__(self) -> None:
        self.chunks: list[dict[str, np.ndarray]] = []

    def add(self, person: str, signal: str, ts_ms: np.ndarray, **cols: object) -> None:
        n = len(ts_ms)
        if n == 0:
            return
        chunk: dict[str, np.ndarray] = {
            "person": np.full(n, person, dtype=object),
            "ts": np.asarray(ts_ms, np.int64),
            "signal": np.full(n, signal, dtype=object),
        }
        for name, value in cols.items():
            arr = np.asarray(value)
            chunk[name] = arr if arr.ndim else np.full(n, value)
        self.chunks.append(chunk)

    def frame(self) -> pd.DataFrame:
        """All events, one row each, sorted by person and time; absent fields are null."""
        out: dict[str, np.ndarray] = {}
        for name in ("person", "ts", "signal", *self.COLUMNS):
            parts = []
            for c in self.chunks:
                n = len(c["ts"])
                if name in c:
                    parts.append(c[name])
                elif name in ("duration_s", "watts", "lux"):
                    parts.append(np.full(n, np.nan))
                elif name in ("steps", "interval_s", "until"):
                    parts.append(np.full(n, -1, np.int64))
                else:
                    parts.append(np.full(n, None, dtype=object))
            out[name] = np.concatenate(parts)

        def whole(name: str) -> pd.arrays.IntegerArray:
            values = out[name].astype(np.int64)
            return pd.arrays.IntegerArray(values, values < 0)

        def number(name: str) -> pd.arrays.FloatingArray:
            values = out[name].astype(np.float64)
            return pd.arrays.FloatingArray(values, np.isnan(values))

        until = pd.to_datetime(np.maximum(out["until"].astype(np.int64), 0), unit="ms", utc=True)
        df = pd.DataFrame(
            {
                "person": pd.Categorical(out["person"]),
                "ts": pd.to_datetime(out["ts"], unit="ms", utc=True),
                "signal": pd.Categorical(out["signal"]),
                "device": pd.Categorical(out["device"]),
                "direction": pd.Categorical(out["direction"]),
                "answered": pd.array(out["answered"], dtype="boolean"),
                "duration_s": number("duration_s"),
                "steps": whole("steps"),
                "interval_s": whole("interval_s"),
                "state": pd.Categorical(out["state"]),
                "watts": number("watts"),
                "lux": number("lux"),
                "action": pd.Categorical(out["action"]),
                "until": until.where(out["until"] >= 0),
            }
        )
        return df.sort_values(["person", "ts"], kind="stable").reset_index(drop=True)


def generate(persons: int, days: int, seed: int, start: str = "2025-03-03") -> World:
    """Generates world C: ``persons`` people over ``days`` days from local midnight of
    ``start`` (a date, Korea time), deterministically from ``seed``."""
    if persons < 1 or days < 7:
        raise ValueError("world C needs at least 1 person and 7 days")
    t0 = datetime.fromisoformat(start).replace(tzinfo=KST)
    t0_ms = int(t0.timestamp() * 1000)
    n_min = days * DAY_MIN
    sunrise, sunset = _sun_hours(t0, days)
    dow = (t0.weekday() + np.arange(days)) % 7  # 0 = Monday
    weekend = dow >= 5
    builder = _Builder()
    lives: dict[str, _Life] = {}
    person_rows: list[dict[str, str]] = []
    incident_rows: list[dict[str, object]] = []
    case_rows: list[dict[str, object]] = []
    width = max(3, len(str(persons)))
    for i in range(persons):
        pid = f"c-{i + 1:0{width}d}"
        prng = np.random.default_rng([seed, i])
        profile = _pick(prng, {name: share for name, (_, share) in PROFILES.items()})
        devices = PROFILES[profile][0]
        has = set(devices.split(","))
        person_rows.append({"person": pid, "profile": profile, "devices": devices})
        story = _live(prng, pid, days, t0_ms, n_min, has, weekend, dow, sunrise, sunset, builder)
        lives[pid] = story.life
        case_rows.append({"person": pid, "profile": profile, **story.case})
        if story.incident is not None:
            incident_rows.append({"person": pid, **story.incident})
    to_time = lambda ms: pd.Timestamp(ms, unit="ms", tz="UTC")  # noqa: E731
    incidents = pd.DataFrame(incident_rows, columns=["person", "start", "end", "kind"])
    for col in ("start", "end"):
        incidents[col] = pd.to_datetime(incidents[col].astype("int64"), unit="ms", utc=True)
    cases = pd.DataFrame(case_rows)
    for col in ("away_start", "away_end", "gone_at"):
        cases[col] = pd.to_datetime(cases[col].astype("float64"), unit="ms", utc=True)
    return World(
        events=builder.frame(),
        persons=pd.DataFrame(person_rows),
        incidents=incidents,
        cases=cases,
        responder=Responder(seed=seed, t0_ms=t0_ms, lives=lives),
        start=to_time(t0_ms).to_pydatetime(),
        end=to_time(t0_ms + n_min * MINUTE_MS).to_pydatetime(),
    )


@dataclass
class _Story:
    life: _Life
    case: dict[str, object]
    incident: dict[str, object] | None


def _live(
    rng: np.random.Generator,
    pid: str,
    days: int,
    t0_ms: int,
    n_min: int,
    has: set[str],
    weekend: np.ndarray,
    dow: np.ndarray,
    sunrise: np.ndarray,
    sunset: np.ndarray,
    out: _Builder,
) -> _Story:
    """Paints one person's life minute by minute and writes their devices' events."""
    day0 = np.arange(days) * DAY_MIN
    # --- who they are -------------------------------------------------------------------
    field_case = "none"
    u = rng.random()
    acc = 0.0
    for name, (share, needs) in FIELD_CASES.items():
        acc += share
        if u < acc:
            if needs is None or needs in has:
                field_case = name
            break
    incident = _pick(rng, INCIDENT_KINDS) if rng.random() < INCIDENT_SHARE and field_case != "hospital_unregistered" else None
    # TUS 2019, 65+: weekday bedtime 22:20, wake 06:01 (sleep 8 h 28 min); weekend a few minutes later.
    bed_mean = np.clip(rng.normal(22.33, 0.6), 20.5, 24.5) * 60
    sleep_mean = np.clip(rng.normal(8.47, 0.5), 6.5, 10.5) * 60
    social = rng.random() < 0.63  # 63% of lone older people take part in senior centres etc. (MOHW 2015)
    p_out = np.where(weekend, 0.45, 0.85 if social else 0.5)
    carry_out = rng.uniform(0.6, 0.97)  # share of outings with the phone
    home_carry = rng.uniform(0.05, 0.4)  # share of home time with the phone in a pocket
    out_rate = rng.uniform(30, 55)  # steps a minute walking to and from places, stops included
    home_rate = rng.uniform(3, 8)  # steps a minute pottering at home, when counted
    tv_hours = np.clip(rng.normal(3.8, 1.0), 1.0, 7.0)  # TUS 2019, 65+: media 3 h 50 min a day, mostly TV
    tv_w = rng.uniform(55, 125)
    tv_sd = rng.uniform(0.8, 2.5)
    standby = rng.uniform(0.3, 1.5)
    window = rng.uniform(0, 15) if rng.random() < 0.4 else rng.uniform(40, 300)  # daylight peak at the plug, lux
    lamp_lux = rng.uniform(60, 250)
    dark_room = rng.random() < 0.25  # a semi-basement room: the lamp is on whenever they are up
    steps_periodic = rng.random() < 0.5  # the step app reports every hour, 0 steps too
    calls_out = rng.lognormal(np.log(1.0), 0.6)  # calls made a day
    calls_in = rng.lognormal(np.log(1.2), 0.6)  # calls received a day
    answer_in = rng.uniform(0.8, 0.95)
    answer_p = rng.uniform(0.85, 0.98)
    unlock_rate = rng.uniform(0.4, 1.5)  # phone unlocks an hour up at home
    silent = field_case == "silent_phone"

    # --- the incident's days and the activity multiplier ---------------------------------
    act = np.ones(days)
    inc_day = -1
    inc_len = 0
    if incident is not None:
        inc_day = int(rng.integers(min(14, days // 2), days - 3))
        if incident == "decline_collapse":
            fade = int(rng.integers(5, 11))
            first = max(inc_day - fade, 0)
            act[first : inc_day + 1] = np.linspace(1.0, 0.15, inc_day + 1 - first)
        elif incident == "acute_illness":
            inc_len = int(rng.integers(2, 6))
            act[inc_day : inc_day + inc_len] = rng.uniform(0.2, 0.4)
    # --- a registered absence, away from any incident ------------------------------------
    away: tuple[int, int] | None = None
    if rng.random() < AWAY_SHARE and days >= 14:
        a_day = int(rng.integers(3, days - 7))
        a_len = int(rng.integers(2, 7))
        if incident is None or a_day + a_len < inc_day - 11 or a_day > inc_day + 12:
            a_start = a_day * DAY_MIN + int(rng.integers(9 * 60, 12 * 60))
            away = (a_start, a_start + a_len * DAY_MIN + int(rng.integers(-180, 180)))
    hospital: tuple[int, int] | None = None
    if field_case == "hospital_unregistered":
        h_day = int(rng.integers(5, days - 8)) if days >= 14 else 2
        h_start = h_day * DAY_MIN + int(rng.integers(8 * 60, 16 * 60))
        hospital = (h_start, h_start + int(rng.integers(2, 8)) * DAY_MIN)

    # --- sleep -------------------------------------------------------------------------
    night_day = np.arange(-1, days)
    bed = night_day * DAY_MIN + bed_mean + rng.normal(0, 30, days + 1) - 6 * np.append(False, weekend)
    dur = sleep_mean + rng.normal(0, 25, days + 1) + 10 * np.append(weekend, False)
    ill_days = act < 0.5
    dur[1:] += np.where(ill_days, 90, 0)  # ill: sleeps longer
    bed = bed.astype(np.int64)
    wake = (bed + dur).astype(np.int64)
    asleep = _cover(n_min, bed, wake)
    wake_d = wake[:-1]  # morning of day d
    bed_d = bed[1:]  # evening of day d

    # --- outings -----------------------------------------------------------------------
    def clip_out(s: np.ndarray, length: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = np.maximum(s.astype(np.int64), wake_d + 30)
        e = np.minimum(s + length.astype(np.int64), bed_d - 30)
        keep = keep & (e - s >= 15)
        return s[keep], e[keep]

    go = act * np.where(ill_days, 0.3, 1.0)
    # (start, length, taken): morning and afternoon outings, a weekend visit to family, and the
    # long days out of the `long_outings` field case.
    plans = [
        (day0 + rng.uniform(540, 690, days), rng.lognormal(np.log(100), 0.5, days), rng.random(days) < p_out * go),
        (day0 + rng.uniform(840, 990, days), rng.lognormal(np.log(80), 0.5, days), rng.random(days) < p_out * 0.5 * go),
        (day0 + rng.uniform(600, 780, days), rng.uniform(240, 480, days), rng.random(days) < 0.12 * weekend * go),
    ]
    if field_case == "long_outings":
        plans.append((day0 + rng.uniform(450, 570, days), rng.uniform(420, 660, days), rng.random(days) < 0.55 * go))
    starts, ends = zip(*(clip_out(*plan) for plan in plans))
    o_start = np.concatenate(starts)
    o_end = np.concatenate(ends)
    with_phone = rng.random(len(o_start)) < carry_out
    out_phone = _cover(n_min, o_start[with_phone], o_end[with_phone])
    # Out, they walk the first and last 20-45 minutes (there and back, the market) and sit in
    # between (a senior centre, a bench, a relative's home): 2,000-9,000 steps a day in all
    # (Tudor-Locke 2011).
    leg = rng.integers(20, 46, len(o_start))
    walking = _cover(n_min, np.concatenate([o_start, o_end - leg]), np.concatenate([o_start + leg, o_end]))
    out_nophone = _cover(n_min, o_start[~with_phone], o_end[~with_phone]) & ~out_phone

    state = np.full(n_min, HOME, np.int8)
    state[asleep] = ASLEEP
    state[out_nophone] = OUT_NOPHONE
    state[out_phone] = OUT_PHONE
    if away is not None:
        state[away[0] : away[1]] = AWAY
    if hospital is not None:
        state[hospital[0] : hospital[1]] = HOSPITAL
    minute_day = np.repeat(np.arange(days), DAY_MIN)
    if incident == "acute_illness":
        ill = (minute_day >= inc_day) & (minute_day < inc_day + inc_len) & (state == HOME)
        state[ill] = ILL

    # --- TV and lamp (before the incident freezes them) ----------------------------------
    tv_keep = np.minimum(1.0, 0.3 + act)
    morning = rng.random(days) < 0.5 * tv_keep
    m_s = wake_d + rng.uniform(15, 60, days)
    midday = rng.random(days) < 0.45 * tv_keep
    md_s = day0 + rng.uniform(735, 810, days)
    evening_len = np.clip(rng.normal(tv_hours * 60 * 0.7, 30, days) + 30 * weekend, 60, 300)
    evening = rng.random(days) < 0.92 * tv_keep
    ev_end = bed_d - rng.uniform(0, 20, days)
    tv = _cover(
        n_min,
        np.concatenate([m_s[morning], md_s[midday], (ev_end - evening_len)[evening]]),
        np.concatenate([(m_s + rng.uniform(30, 80, days))[morning], (md_s + rng.uniform(40, 120, days))[midday], ev_end[evening]]),
    )
    awake_home = np.isin(state, HOME_AWAKE)
    tv &= awake_home
    minute_of_day = np.tile(np.arange(DAY_MIN), days)
    dusk = (minute_of_day >= np.repeat(sunset * 60 - 30, DAY_MIN)) | (minute_of_day < np.repeat(sunrise * 60 + 30, DAY_MIN))
    lamp = awake_home & (dusk | dark_room)
    if field_case == "tv_always_on":
        tv[:] = True

    # --- the incident --------------------------------------------------------------------
    inc_row: dict[str, object] | None = None
    phone_dead = n_min
    gone = n_min
    if incident is not None:
        lo, hi = inc_day * DAY_MIN, (inc_day + 1) * DAY_MIN
        if incident == "acute_illness":
            onset = int(wake_d[inc_day])
            end = int(wake_d[inc_day + inc_len]) if inc_day + inc_len < days else n_min - 1
        else:
            at_night = incident == "collapse" and rng.random() < 0.2
            pool = np.flatnonzero(state[lo:hi] == (ASLEEP if at_night else HOME)) + lo
            if len(pool) == 0:
                pool = np.arange(lo + 600, lo + 660)
            onset = int(rng.choice(pool))
            end = min(onset + int(rng.uniform(2, 10) * DAY_MIN), n_min - 1)
            state[onset:end] = BEDRIDDEN if incident == "bedridden" else DOWN
            tv[onset:] = tv[onset]
            lamp[onset:] = lamp[onset]
            phone_dead = onset + int(rng.uniform(24, 60) * 60)
            if end < n_min - 1:
                gone = end
                state[end:] = GONE
        inc_row = {"start": t0_ms + onset * MINUTE_MS, "end": t0_ms + end * MINUTE_MS, "kind": incident}

    phone_on = ~np.isin(state, (HOSPITAL, GONE))
    phone_on[phone_dead:] = False
    act_min = act[minute_day]
    ts_of = lambda minutes: t0_ms + np.asarray(minutes, np.int64) * MINUTE_MS  # noqa: E731

    # --- plug: every 15 minutes -----------------------------------------------------------
    if "plug" in has:
        q = np.arange(15, min(gone, n_min), 15)
        if field_case == "plug_pulled":
            q = q[q < int(rng.integers(5, days - 3)) * DAY_MIN]
        on = tv[q]
        watts = np.where(on, tv_w + rng.normal(0, tv_sd, len(q)), standby + rng.normal(0, 0.05, len(q)))
        hours = minute_of_day[q] / 60
        d = minute_day[q]
        x = (hours - sunrise[d]) / (sunset[d] - sunrise[d])
        cloud_h = rng.uniform(0.5, 1.0, days * 24 + 1)
        cloud = np.interp(q / 60, np.arange(days * 24 + 1), cloud_h) * rng.uniform(0.4, 1.0, days)[d]
        daylight = np.where((x > 0) & (x < 1), np.sin(np.pi * np.clip(x, 0, 1)) ** 1.3, 0) * window * cloud
        lux = daylight + lamp[q] * lamp_lux + on * 15 + rng.normal(0, 1, len(q))
        out.add(pid, "plug", ts_of(q), device="plug-tv", watts=np.round(np.maximum(watts, 0), 1), lux=np.round(np.maximum(lux, 0)))

    # --- steps: hourly, from the phone's step app ----------------------------------------
    if "steps" in has:
        per_hour = lambda mask: mask.reshape(-1, 60).sum(axis=1)  # noqa: E731
        home_n = per_hour(np.isin(state, HOME_AWAKE))
        out_n = per_hour(np.isin(state, (OUT_PHONE, AWAY)))
        walk_n = per_hour(walking & (state == OUT_PHONE))
        bed_n = per_hour(state == BEDRIDDEN)
        mean = act[np.arange(days * 24) // 24] * (home_n * home_rate * home_carry + out_n * 4 + walk_n * out_rate)
        mean += bed_n * np.where(rng.random(days * 24) < 0.15, 0.3, 0.0)
        steps = rng.poisson(mean * rng.gamma(4, 0.25, days * 24))
        hour_end = np.arange(1, days * 24 + 1) * 60
        report = phone_on[hour_end - 1] & (steps_periodic | (steps > 0))
        out.add(pid, "steps", ts_of(hour_end[report]), device="phone", steps=steps[report], interval_s=3600)

    # --- door: at each crossing, and now and then without going out ----------------------
    if "door" in has:
        inside = np.isin(state, INSIDE)
        inside[gone:] = True
        cross = np.flatnonzero(np.diff(inside.astype(np.int8)) != 0) + 1
        extra = np.flatnonzero((state == HOME) & (rng.random(n_min) < 0.4 * act_min / (15 * 60)))
        opens = np.sort(np.concatenate([cross, extra]))
        open_ms = ts_of(opens) - rng.integers(0, 50_000, len(opens))
        close_ms = open_ms + rng.integers(8_000, 60_000, len(opens))
        out.add(pid, "door", open_ms, device="door-front", state="open")
        out.add(pid, "door", close_ms, device="door-front", state="closed")

    # --- calls ---------------------------------------------------------------------------
    if "call" in has:
        n_out = rng.poisson(calls_out * act) * (field_case != "prepaid_no_credit")
        t_out = np.repeat(day0, n_out) + rng.integers(7 * 60, 21 * 60 + 30, n_out.sum())
        t_out = t_out[np.isin(state[t_out], (HOME, ILL, OUT_PHONE, AWAY)) & phone_on[t_out]]
        connected = rng.random(len(t_out)) < 0.85
        out.add(
            pid, "call", ts_of(t_out) + rng.integers(0, 60_000, len(t_out)), device="phone", direction="out",
            answered=connected, duration_s=np.where(connected, np.round(rng.lognormal(np.log(90), 0.8, len(t_out))), 0.0),
        )
        n_in = rng.poisson(calls_in * np.where(dow == 6, 1.4, 1.0))
        t_in = np.repeat(day0, n_in) + rng.integers(8 * 60, 21 * 60, n_in.sum())
        t_in = t_in[phone_on[t_in]]
        st = state[t_in]
        p = np.select(
            [st == HOME, st == ILL, np.isin(st, (OUT_PHONE, AWAY)), st == ASLEEP],
            [answer_in, 0.5, 0.7, 0.1],
            0.0,
        )
        if silent:
            p = np.minimum(p, 0.15)
        picked = rng.random(len(t_in)) < p
        out.add(
            pid, "call", ts_of(t_in) + rng.integers(0, 60_000, len(t_in)), device="phone", direction="in",
            answered=picked, duration_s=np.where(picked, np.round(rng.lognormal(np.log(120), 0.8, len(t_in))), 0.0),
        )

    # --- phone use -----------------------------------------------------------------------
    if "app" in has:
        rate = np.select([np.isin(state, HOME_AWAKE), state == OUT_PHONE], [1.0, 0.3], 0.0) * act_min * unlock_rate / 60
        unlock = np.flatnonzero((rng.random(n_min) < rate) & phone_on)
        unlock_ms = ts_of(unlock) + rng.integers(0, 60_000, len(unlock))
        out.add(pid, "app", unlock_ms, device="phone", action="unlock")
        opened = unlock_ms[rng.random(len(unlock)) < 0.5] + rng.integers(5_000, 90_000)
        out.add(pid, "app", opened, device="phone", action="app_open")
        to_bed = np.flatnonzero(np.isin(state[:-1], HOME_AWAKE) & (state[1:] == ASLEEP))
        to_bed = to_bed[rng.random(len(to_bed)) < 0.85]
        charge = np.maximum(to_bed - rng.integers(0, 20, len(to_bed)), 0)
        out.add(pid, "app", ts_of(charge[phone_on[charge]]), device="phone", action="charge")
        sync = np.arange(97, n_min, 180)
        out.add(pid, "app", ts_of(sync[phone_on[sync]]), device="phone", action="data")

    if away is not None:
        out.add(pid, "away", np.array([ts_of(away[0])]), until=np.array([ts_of(away[1])]))

    case = {
        "field_case": field_case,
        "incident": incident or "none",
        "away_start": float(ts_of(away[0])) if away else np.nan,
        "away_end": float(ts_of(away[1])) if away else np.nan,
        "gone_at": float(ts_of(gone)) if gone < n_min else np.nan,
    }
    life = _Life(state=state, act=act, phone_dead_min=phone_dead, answer_p=answer_p, silent=silent)
    return _Story(life=life, case=case, incident=inc_row)

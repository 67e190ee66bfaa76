"""Backtest: how well do the profiles detect simulated incidents, and at what false-alert burden?

Run with `python examples/backtest.py [PERSONS] [DAYS]` after `pip install ./bindings-python[pandas]`.
Simulates a seeded cohort, replays it hourly, and scores the assessments against the cohort's
incidents (the spec's Incidents section), per profile and overall.
"""

from __future__ import annotations

import sys
import time

import anbu

persons = int(sys.argv[1]) if len(sys.argv) > 1 else 60
days = int(sys.argv[2]) if len(sys.argv) > 2 else 30

cohort = anbu.simulate(persons=persons, days=days, seed=1)
print(f"{len(cohort.persons)} persons, {len(cohort.events)} events, {len(cohort.incidents)} incidents")

started = time.perf_counter()
rows = anbu.replay(cohort.events, cohort.persons, every="1h")
print(f"replay: {len(rows)} assessments in {time.perf_counter() - started:.2f} s")

report = anbu.backtest(rows, cohort.incidents, cohort.persons)
print(report.to_markdown())

overall = report.overall
print(f"detected {overall['detected']}/{overall['incidents']} incidents; "
      f"{overall['false_per_100_pm']:.1f} false alert episodes per 100 person-months")
assert overall["incidents"] == len(cohort.incidents)

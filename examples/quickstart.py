"""Quick start: stream events into an engine, replay a simulated cohort, and draw one person.

Run with `python examples/quickstart.py [OUT_DIR]` after `pip install ./bindings-python[pandas,plot]`.
Writes `timeline.png` (the person with the highest score at the end) into OUT_DIR (default: .).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import anbu

out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
KST = timezone(timedelta(hours=9))

# 1. Streaming: a person watched by a smart plug on the TV. The TV goes on at 08:00 and then
#    draws the same load every 15 minutes for a day and a half: a reading that merely repeats
#    is not a sign of life.
engine = anbu.Engine()
engine.add_person("p-001", "plug_only")
t0 = datetime(2024, 5, 1, 8, 0, tzinfo=KST)
for q in range(37 * 4 + 1):
    engine.ingest({"person": "p-001", "ts": t0 + timedelta(minutes=15 * q), "signal": "plug",
                   "device": "plug-tv", "watts": 0.0 if q == 0 else 85.0})
a = engine.assess("p-001", t0 + timedelta(hours=37))
print(a)
print(f"  -> {a.level}: {a.action} by {a.responder}; because {a.reasons[0].detail}")

# Engines survive restarts: snapshot to bytes (or pickle) and restore.
restored = anbu.Engine.restore(engine.snapshot())
assert restored.assess("p-001", t0 + timedelta(hours=37)) == a

# 2. Batch: replay a simulated cohort hourly (a pandas DataFrame out), and see who is at risk.
cohort = anbu.simulate(persons=30, days=14, seed=7, recent_incidents=3)
rows = anbu.replay(cohort.events, cohort.persons, every="1h")
last = rows[rows["at"] == rows["at"].max()].sort_values("score", ascending=False)
print(last[["person", "score", "level", "action", "responder"]].head(5).to_string(index=False))

# 3. One picture of the person most at risk: why did the alert fire?
person = str(last.iloc[0]["person"])
from anbu.plot import timeline  # noqa: E402  (needs matplotlib: pip install 'anbu[plot]')

fig = timeline(cohort.events, rows, person)
png = out_dir / "timeline.png"
fig.savefig(png, dpi=110)
print(f"wrote {png} ({person})")

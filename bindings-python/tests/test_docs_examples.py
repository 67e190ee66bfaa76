"""The README's Python snippets, the examples and the plot run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest
from matplotlib.figure import Figure

import anbu
from anbu.plot import timeline
from conftest import REPO

README = REPO / "bindings-python" / "README.md"


def test_readme_snippets_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for block in blocks:  # one session, in order, as a reader would type them
        exec(compile(block, str(README), "exec"), namespace)
    assert (tmp_path / "timeline.png").stat().st_size > 10_000


@pytest.mark.parametrize("script", ["quickstart.py", "backtest.py"])
def test_examples_run(script: str, tmp_path: Path) -> None:
    args = [sys.executable, str(REPO / "examples" / script)]
    args += [str(tmp_path)] if script == "quickstart.py" else ["20", "10"]
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "error"}
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    if script == "quickstart.py":
        png = tmp_path / "timeline.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert "| all | " in done.stdout


def test_timeline_takes_every_output_kind(tmp_path: Path) -> None:
    cohort = anbu.simulate(persons=4, days=4, seed=3, recent_incidents=1, output="arrow")
    person = cohort.incidents.column("person")[0].as_py()
    for output in ("pandas", "polars", "arrow"):
        rows = anbu.replay(cohort.events, cohort.persons, output=output)
        fig = timeline(cohort.events, rows, person, title=f"{person} ({output})")
        assert isinstance(fig, Figure)
        fig.savefig(tmp_path / f"{output}.png")
    engine = anbu.Engine()
    engine.add_persons(cohort.persons)
    engine.ingest_batch(cohort.events)
    objects = [engine.assess(person, "2024-05-06T00:00:00Z")]
    assert isinstance(timeline(pl.from_arrow(cohort.events), objects, person), Figure)
    with pytest.raises(ValueError, match="no events and no assessments"):
        timeline(cohort.events, pd.DataFrame(columns=anbu.ASSESSMENT_FIELDS), "p-nobody")

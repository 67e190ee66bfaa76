"""``python -m anbu``: the ``anbu`` command line (one program with the Rust binary), its
subcommands and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import anbu


def anbu_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "anbu", *args], capture_output=True, text=True, timeout=300)


def test_simulate_check_replay_backtest(tmp_path: Path) -> None:
    out = tmp_path / "cohort"
    r = anbu_cli("simulate", "--persons", "6", "--days", "4", "--seed", "5", "--out", str(out))
    assert r.returncode == 0, r.stderr
    events, persons, incidents = out / "events.csv", out / "persons.csv", out / "incidents.csv"
    assert events.exists() and persons.exists() and incidents.exists()
    r = anbu_cli("check", str(events), "--persons", str(persons))
    assert (r.returncode, r.stdout) == (0, ""), r.stderr
    rows_file = tmp_path / "rows.jsonl"
    r = anbu_cli("replay", str(events), "--persons", str(persons), "--every", "1h", "-o", str(rows_file))
    assert r.returncode == 0, r.stderr
    # The same rows as the Python API's replay.
    expected = anbu.replay(str(events), anbu.simulate(persons=6, days=4, seed=5).persons, every="1h")
    assert len(rows_file.read_text().splitlines()) == len(expected)
    r = anbu_cli("backtest", str(events), "--persons", str(persons), "--incidents", str(incidents))
    assert r.returncode == 0 and r.stdout.splitlines()[-1].startswith("| all |"), r.stderr


def test_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "events.csv"
    bad.write_text(
        "person,ts,signal,watts\n"
        "p-1,2024-05-01T08:00:00+09:00,plug,1\n"
        "p-1,not a time,plug,1\n"
        "p-1,2024-05-01T09:00:00+09:00,plug,-3\n"
    )
    r = anbu_cli("check", str(bad))
    assert r.returncode == 1
    listed = r.stdout.splitlines()
    assert len(listed) == 2 and "line 3" in listed[0] and "`ts`" in listed[0] and "`watts`" in listed[1]
    r = anbu_cli("check", str(tmp_path / "missing.csv"))
    assert r.returncode == 3 and "missing.csv" in r.stderr
    r = anbu_cli("replay", str(bad), "--persons", str(bad), "--every", "5x")
    assert r.returncode == 2
    r = anbu_cli("--help")
    assert r.returncode == 0 and "Exit codes" in r.stdout
    r = anbu_cli("frobnicate")
    assert r.returncode == 2 and "frobnicate" in r.stderr

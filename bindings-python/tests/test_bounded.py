"""Bounded resources (issue 17, part 2): a replay whose rows a bad time or a tiny grid inflates
is refused with an error before anything is allocated for them; it used to abort the
interpreter ("memory allocation of N bytes failed", exit 134). Each case runs in a child
interpreter, so that an abort fails the test rather than the test run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CASES = {
    # A millisecond after epoch 0 (a "missing" time off by one) and a time in 9999: 70 M rows.
    "events": """
        events = [
            {"person": "p-1", "ts": "1970-01-01T00:00:00.001Z", "signal": "sos"},
            {"person": "p-1", "ts": "9999-12-30T22:00:00Z", "signal": "sos"},
        ]
    """,
    # The same as an Arrow table (replayed as columns).
    "arrow": """
        import pyarrow as pa
        events = pa.table({
            "person": ["p-1", "p-1"],
            "ts": ["1970-01-01T00:00:00.001Z", "9999-12-30T22:00:00Z"],
            "signal": ["sos", "sos"],
        })
    """,
}


def run(setup: str, every: str, clock: str | None = "9999-12-30T22:00:00Z") -> subprocess.CompletedProcess[str]:
    # The replay's clock is the last time there is (no event is refused as dated ahead of it),
    # unless `clock` is None (the wall clock).
    code = textwrap.dedent(setup) + textwrap.dedent(f"""
        import anbu
        try:
            rows = anbu.replay(events, {{"p-1": "full"}}, every={every!r}, clock={clock!r}, output="objects")
            print(len(rows), rows[-1].at, "clock_ahead" in {{r.kind for r in rows[-1].reasons}})
        except anbu.InvalidArgumentError as e:
            print(e)
    """)
    return subprocess.run([sys.executable, "-c", "import anbu\n" + code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_span_a_bad_time_inflates_is_refused(case: str) -> None:
    out = run(CASES[case], "1h")
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.startswith(
        "argument `every`: 3600000 ms from person `p-1`'s first event (1970-01-01T00:00:00.001Z) to the input's "
        "last (9999-12-30T22:00:00Z) gives 70389502 rows"
    ), out.stdout


def test_at_the_wall_clock_the_time_in_9999_is_refused_and_the_span_stays_bounded() -> None:
    # Refused as dated ahead of the wall clock, for its person (whose rows say so with a
    # `clock_ahead` reason): the grid ends at the last event taken, 19,844 daily rows.
    setup = """
        events = [
            {"person": "p-1", "ts": "1970-01-01T00:00:00.001Z", "signal": "sos"},
            {"person": "p-1", "ts": "2024-05-01T00:00:00Z", "signal": "heartbeat"},
            {"person": "p-1", "ts": "9999-12-30T22:00:00Z", "signal": "heartbeat"},
        ]
    """
    out = run(setup, "1d", clock=None)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.startswith("19844 2024-05-01 00:00:00+00:00 True"), out.stdout


def test_a_fine_grid_over_a_long_span_is_refused() -> None:
    # `every="1ms"` over two days (172.8 M rows) is refused as shorter than a minute; the
    # finest grid allowed, a minute, over twenty years is 10.5 M rows, past the limit.
    setup = """
        events = [
            {"person": "p-1", "ts": "2024-05-01T09:00:00+09:00", "signal": "sos"},
            {"person": "p-1", "ts": "2044-05-01T09:00:00+09:00", "signal": "sos"},
        ]
    """
    out = run(setup, "1ms")
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.startswith("argument `every`: 1 ms is shorter than 1 minute"), out.stdout
    out = run(setup, "1m")
    assert out.returncode == 0, out.stderr[-500:]
    assert "gives 10519201 rows" in out.stdout, out.stdout

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


def run(setup: str, every: str) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(setup) + textwrap.dedent(f"""
        import anbu
        try:
            anbu.replay(events, {{"p-1": "full"}}, every={every!r})
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

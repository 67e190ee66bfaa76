"""Shared helpers: the Rust-made fixture and a normal form for assessment tables."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def millis(value: Any) -> int:
    """Epoch milliseconds of a datetime, a pandas Timestamp or RFC 3339 text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    assert value.tzinfo is not None, "assessment times must be aware (UTC)"
    delta = value - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def normal_rows(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Assessment rows as comparable tuples (times in epoch ms, reasons as tuples)."""
    out = []
    for r in rows:
        reasons = r["reasons"]
        if reasons is None:
            reasons = []
        out.append(
            (
                r["person"],
                millis(r["at"]),
                float(r["score"]),
                r["level"],
                r["action"],
                r["responder"],
                tuple(
                    (x["signal"], x["kind"], x["detail"], float(x["contribution"]))
                    for x in list(reasons)
                ),
                _text_or_none(r.get("call")),
            )
        )
    return out


def _text_or_none(value: Any) -> str | None:
    """A nullable text cell as a DataFrame or a CSV gives it back (None, NaN, empty or text) as
    text or None."""
    return value if isinstance(value, str) and value else None


def frame_rows(df: Any) -> list[tuple[Any, ...]]:
    """Rows of a pandas DataFrame, a polars DataFrame or a pyarrow Table."""
    if hasattr(df, "to_dicts"):  # polars
        return normal_rows(df.to_dicts())
    if hasattr(df, "to_pylist"):  # pyarrow
        return normal_rows(df.to_pylist())
    return normal_rows(df.to_dict("records"))


@pytest.fixture(scope="session")
def expected() -> list[tuple[Any, ...]]:
    lines = (FIXTURES / "assessments.jsonl").read_text().splitlines()
    return normal_rows([json.loads(line) for line in lines])


@pytest.fixture(scope="session")
def persons() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((FIXTURES / "persons.json").read_text())
    return rows


@pytest.fixture(scope="session")
def event_dicts() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (FIXTURES / "events.jsonl").read_text().splitlines()]


@pytest.fixture(scope="session")
def profiles() -> list[Path]:
    return [FIXTURES / "plug_36h.toml"]


def is_nan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)

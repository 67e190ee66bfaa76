"""Tier recommendation: the binding gives the core's advice for the shared fixture's persons
(tests/shared/tiers, written by the core's `tier` test), and the core's errors."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

import anbu
from conftest import REPO

DIR = REPO / "tests" / "shared" / "tiers"
EXPECTED: dict[str, Any] = json.loads((DIR / "advice.json").read_text(encoding="utf-8"))


def engine() -> anbu.Engine:
    e = anbu.Engine()
    e.add_persons(EXPECTED["persons"])
    e.ingest_batch(anbu.read_events(DIR / "events.jsonl").events)
    return e


@pytest.mark.parametrize("expected", EXPECTED["advice"], ids=lambda a: a["person"])
def test_the_same_tier_and_reason_as_the_core(expected: dict[str, Any]) -> None:
    got = engine().recommend_tier(expected["person"], EXPECTED["at"])
    assert got["at"] == datetime.fromisoformat(expected["at"])
    assert {k: v for k, v in got.items() if k != "at"} == {k: v for k, v in expected.items() if k != "at"}


def test_every_tier_and_the_flag_are_in_the_fixture() -> None:
    tiers = {a["tier"] for a in EXPECTED["advice"]}
    assert tiers == {"call_only", "call_app", "call_iot", "full"}
    assert any(a["unwatched"] and a["unwatched"].startswith("not watching") for a in EXPECTED["advice"])


def test_errors_are_the_cores() -> None:
    e = engine()
    with pytest.raises(anbu.UnknownPersonError):
        e.recommend_tier("nobody", EXPECTED["at"])
    with pytest.raises(anbu.InvalidArgumentError, match="before"):
        e.recommend_tier("p-caller", "2024-05-01T01:00:00+09:00")
    empty = anbu.Engine()
    empty.add_person("p-1", "full")
    with pytest.raises(anbu.InvalidArgumentError, match="give the time to advise at"):
        empty.recommend_tier("p-1")

"""Consent to night and holiday monitoring, and the guardian (issue 16): the core routes; the
binding passes the persons' fields through. The Node test shows the same rows."""

from __future__ import annotations

import pytest

import anbu

NIGHT = "2024-05-01T22:00:00+09:00"  # a Wednesday, after the day office's hours
AT = "2024-05-01T22:30:00+09:00"
PERSONS = [
    {"person": "p-1", "profile": "full_guardian", "night_consent": False, "guardian": "g-1"},
    {"person": "p-2", "profile": "full", "night_consent": False},
    {"person": "p-3", "profile": "full"},
]
EVENTS = [
    {"person": "p-1", "ts": NIGHT, "signal": "sos"},
    {"person": "p-2", "ts": NIGHT, "signal": "disposition", "device": "visit", "finding": "unreachable"},
    {"person": "p-3", "ts": NIGHT, "signal": "disposition", "device": "visit", "finding": "unreachable"},
]
GUARDIAN = {"name": "full_guardian", "extends": "full", "sos": {"guardian": True}}


def test_without_consent_the_action_waits_for_the_office_unless_the_person_asked() -> None:
    engine = anbu.Engine()
    engine.add_profile(anbu.Profile.from_dict(GUARDIAN))
    engine.add_persons(PERSONS)
    engine.ingest_batch(EVENTS)
    rows = engine.assess_all(AT)
    assert [(a.person, a.level, a.action, a.responder) for a in rows] == [
        ("p-1", "critical", "dispatch", "control_center"),
        ("p-2", "critical", "dispatch", "day_office"),
        ("p-3", "critical", "dispatch", "control_center"),
    ]
    sos = next(r.detail for r in rows[0].reasons if r.kind == "sos")
    assert sos.endswith("; routed to the guardian as well")
    waits = [r.detail for r in rows[1].reasons if r.kind == "escalation" and r.contribution == 0]
    assert waits == [
        "no consent to night and holiday monitoring: dispatch waits for the day office's next opening, 2024-05-02 09:00"
    ]
    assert not any("consent" in r.detail for r in rows[2].reasons)
    # A replay reads the same persons' table.
    replayed = anbu.replay(EVENTS, PERSONS, profiles=[GUARDIAN], output="objects")
    assert [(a.person, a.responder) for a in replayed] == [(a.person, a.responder) for a in rows]


def test_persons_carry_consent_and_guardian_checked_by_the_core() -> None:
    engine = anbu.Engine()
    engine.add_person("p-1", "full", night_consent=False, guardian="g-1")
    engine.add_person("p-2", "full")
    rows = {p["person"]: p for p in engine.persons()}
    assert (rows["p-1"]["night_consent"], rows["p-1"]["guardian"]) == (False, "g-1")
    assert (rows["p-2"]["night_consent"], rows["p-2"]["guardian"]) == (None, None)
    with pytest.raises(anbu.InvalidEventError, match="guardian"):
        engine.add_person("p-9", "full", guardian="010-1234-5678")
    with pytest.raises(anbu.InvalidEventError, match="field `night_consent`: expected true or false"):
        engine.add_person("p-9", "full", night_consent="maybe")

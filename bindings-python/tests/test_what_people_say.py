"""What people say on a check-in call: a `concern`'s `category` passes through every event
input (objects, dicts, Arrow tables) to the core, which routes it (issue 16, item 1)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import anbu

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone(timedelta(hours=9)))

# The core's defaults (docs/interchange.md, `checkins.categories`).
EXPECTED = {
    "welfare_request": ("warning", "notify"),
    "threat": ("critical", "dispatch"),
    None: ("critical", "dispatch"),
}


def concern(category: str | None) -> dict[str, object]:
    d: dict[str, object] = {"person": "p-1", "ts": T0, "signal": "checkin", "outcome": "concern"}
    if category is not None:
        d["category"] = category
    return d


@pytest.mark.parametrize("category", list(EXPECTED))
def test_a_category_gives_the_same_level_and_action_by_every_input(category: str | None) -> None:
    at = T0 + timedelta(hours=1)
    engine = anbu.Engine()
    engine.add_person("p-1", "call_only")
    engine.ingest(anbu.Event.from_dict(concern(category)))
    a = engine.assess("p-1", at)
    assert (a.level, a.action) == EXPECTED[category]
    if category is not None:
        assert f"({category})" in next(r.detail for r in a.reasons if r.kind == "concern")
    # A dict, and an Arrow table (the columnar path), give the same rows.
    rows = anbu.replay([concern(category)], {"p-1": "call_only"}, output="objects")
    assert [(r.level, r.action) for r in rows] == [EXPECTED[category]]
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pylist([concern(category)])
    arrow_rows = anbu.replay(table, {"p-1": "call_only"}, output="objects")
    assert arrow_rows == rows


def test_a_category_is_checked_by_the_core() -> None:
    e = anbu.Event("p-1", T0, "checkin", outcome="concern", category="pain")
    assert e.to_dict()["category"] == "pain"
    with pytest.raises(anbu.AnbuError) as err:
        anbu.Event("p-1", T0, "checkin", outcome="concern", category="lonely")
    assert "field `category`: unknown value `lonely`, expected one of: welfare_request" in str(err.value)
    with pytest.raises(anbu.AnbuError) as err:
        anbu.Event("p-1", T0, "checkin", outcome="answered", category="pain")
    assert "applies only to outcome `concern`" in str(err.value)


def test_devices_may_name_sos() -> None:
    persons = [{"person": "p-1", "profile": "call_only", "devices": "phone,checkin,sos"}]
    rows = anbu.replay([concern(None)], persons, output="objects")
    assert rows and rows[0].level == "critical"


def test_a_bad_device_names_the_persons_row() -> None:
    persons = [{"person": "p-1", "profile": "full"}, {"person": "p-2", "profile": "full", "devices": "plug,tv"}]
    with pytest.raises(anbu.InvalidEventError, match=r"^row 1: field `devices`: unknown value `tv`"):
        anbu.replay([concern(None)], persons, output="objects")


def test_a_ko_profile_writes_its_reasons_in_korean() -> None:
    """The profile's `locale` (issue 16, item 7): the core writes the reasons; the binding
    only passes the key through."""
    at = T0 + timedelta(hours=1)
    details = {}
    for locale in ("en", "ko"):
        profile = anbu.Profile.from_dict({"name": f"call_only_{locale}", "extends": "call_only", "locale": locale})
        engine = anbu.Engine()
        engine.add_profile(profile)
        engine.add_person("p-1", profile.name)
        engine.ingest(anbu.Event.from_dict(concern("pain")))
        a = engine.assess("p-1", at)
        assert (a.level, a.action) == EXPECTED[None]
        details[locale] = next(r.detail for r in a.reasons if r.kind == "concern")
        rows = anbu.replay([concern("pain")], {"p-1": profile.name}, profiles=[profile], output="objects")
        assert next(r.detail for r in rows[0].reasons if r.kind == "concern") == details[locale]
    assert details["en"] == (
        "check-in call at 2024-05-01 08:00 answered, but the person reported pain (pain): critical, dispatch, "
        "routed to 119 (ambulance)"
    )
    assert details["ko"] == "2024-05-01 08:00 안부 전화 응답, 통증 호소(pain): 위급, 현장 출동, 119(구급) 연계"

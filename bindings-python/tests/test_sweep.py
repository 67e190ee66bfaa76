"""sweep: an operating curve of a profile key, the core's numbers, and its plot."""

from __future__ import annotations

import json

import anbu
import pytest
from anbu.plot import operating_curve


@pytest.fixture(scope="module")
def cohort() -> anbu.Cohort:
    return anbu.simulate(persons=30, days=21, seed=3)


def test_a_lower_warning_cut_off_detects_no_less_and_alerts_no_less(cohort: anbu.Cohort) -> None:
    curve = anbu.sweep(cohort.events, cohort.persons, cohort.incidents, "levels.warning", [70, 50, 35], responder=cohort)
    assert curve.key == "levels.warning"
    assert curve.values == [70.0, 50.0, 35.0]
    overall = [r.overall for r in curve.reports]
    for less, more in zip(overall, overall[1:]):
        assert more["detected"] >= less["detected"]
        assert more["false_episodes"] >= less["false_episodes"]
    # Reported under the profiles' own names, not the sweep's copies.
    assert set(curve.reports[0].by_profile) <= set(anbu.BUILTIN_PROFILES)
    # The same numbers as a closed-loop replay and backtest at one of the values.
    profiles = [{"name": f"{p}_w35", "extends": p, "levels": {"warning": 35}} for p in anbu.BUILTIN_PROFILES]
    persons = cohort.persons.assign(profile=cohort.persons["profile"] + "_w35")
    rows = anbu.replay_closed_loop(cohort.events, persons, cohort, profiles=profiles)
    assert anbu.backtest(rows, cohort.incidents, persons).overall == overall[2]
    # The budget picks within it; an impossible one picks nothing.
    assert curve.within_budget(float("inf")) in curve.values
    assert curve.within_budget(-1.0) is None
    assert "| all | 35 |" in curve.to_markdown()
    assert json.loads(json.dumps(curve.to_dict()))["key"] == "levels.warning"


def test_the_curve_is_plotted_with_its_budget(cohort: anbu.Cohort) -> None:
    curve = anbu.sweep(cohort.events, cohort.persons, cohort.incidents, "levels.warning", [60, 40])
    fig = operating_curve(curve, budget=20.0)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "false alert episodes per 100 person-months"
    assert len(ax.lines) == 3  # within 24 h, detected, the budget
    with pytest.raises(ValueError, match="no point of the sweep has the group 'nobody'"):
        operating_curve(curve, group="nobody")


def test_bad_keys_and_responders_are_refused(cohort: anbu.Cohort) -> None:
    args = (cohort.events, cohort.persons, cohort.incidents)
    with pytest.raises(anbu.InvalidProfileError, match="no such key"):
        anbu.sweep(*args, "levels.nonsense", [1])
    with pytest.raises(anbu.InvalidProfileError, match="levels.warning"):
        anbu.sweep(*args, "levels.warning", [-5])
    # The core's error, as from Node: a sweep replays on every core.
    with pytest.raises(anbu.InvalidArgumentError, match="not a function") as err:
        anbu.sweep(*args, "levels.warning", [50], responder=lambda person, at: "answered")
    assert err.value.code == "ANBU_INVALID_ARGUMENT"
    assert str(err.value).startswith("argument `responder`: a sweep replays on every core")

"""Response times for the scorecard: median and p90 of the time to detect, acknowledge, contain and
resolve, on a worked example; exercises never count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.core.errors import NotAllowed
from accord.incidents import selectors, services

# (began -> detected, detected -> reported, detected -> contained, detected -> resolved), in hours
WORKED = [(1, 0.25, 2, 10), (2, 0.5, 3, 20), (4, 0.5, 5, 40), (8, 1, None, None), (10, 2, 12, None)]


@pytest.fixture
def history(people, org_data, now):
    analyst = people["analyst"]
    base = now - timedelta(days=30)
    for k, (detect, acknowledge, contain, resolve) in enumerate(WORKED):
        detected = base + timedelta(days=k)
        incident = services.open_incident(actor=analyst, title=f"Incident {k}", severity=3,
                                          began_at=detected - timedelta(hours=detect), detected_at=detected,
                                          reported_at=detected + timedelta(hours=acknowledge))
        changes = {}
        if contain is not None:
            changes["contained_at"] = detected + timedelta(hours=contain)
        if resolve is not None:
            changes["resolved_at"] = detected + timedelta(hours=resolve)
        if changes:
            services.update_incident(actor=analyst, incident=incident, **changes)
    # an exercise with absurd figures: must not move any of them
    exercise = services.open_incident(actor=analyst, title="Tabletop", severity=1, exercise=True,
                                      began_at=base - timedelta(hours=100), detected_at=base,
                                      reported_at=base + timedelta(hours=50))
    services.update_incident(actor=analyst, incident=exercise, contained_at=base + timedelta(hours=100),
                             resolved_at=base + timedelta(hours=700))


def test_percentile_is_linear_between_closest_ranks():
    assert selectors.percentile([], 50) is None
    assert selectors.percentile([7], 90) == 7
    assert selectors.percentile([1, 2, 4, 8, 10], 50) == 4
    assert selectors.percentile([10, 1, 8, 2, 4], 90) == pytest.approx(9.2)  # 8 + 0.6 x (10 - 8)
    assert selectors.percentile([2, 3, 5, 12], 50) == pytest.approx(4)


def test_response_times_on_a_worked_example(history, people):
    times = selectors.response_times(people["cio"])
    assert times.incidents == 5 and times.exercises_excluded == 1
    measures = times.by_key()
    expected = {"detect": (5, 4, 9.2), "acknowledge": (5, 0.5, 1.6), "contain": (4, 4, 9.9),
                "resolve": (3, 20, 36)}
    for key, (count, median, p90) in expected.items():
        measure = measures[key]
        assert measure.count == count, key
        assert measure.median_hours == pytest.approx(median), key
        assert measure.p90_hours == pytest.approx(p90), key


def test_exercises_never_count(people, org_data):
    services.start_exercise(actor=people["analyst"], scenario="cloud_credentials")
    times = selectors.response_times(people["cio"])
    assert times.incidents == 0 and times.exercises_excluded == 1
    assert all(m.count == 0 and m.median_hours is None for m in times.measures)


def test_response_times_need_the_read_capability(people, db):
    with pytest.raises(NotAllowed):
        selectors.response_times(people["board"])


def test_the_home_page_shows_them(history, client, people):
    client.force_login(people["cio"])
    page = client.get("/incidents/").content.decode()
    table = page[page.index('id="response-times-table"'):]
    assert "Time to detect" in table and "9.2" in table and "9.9" in table and "36.0" in table
    assert "1 exercise left out" in page

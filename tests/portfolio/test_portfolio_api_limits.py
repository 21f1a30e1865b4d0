"""The frontier is an expensive read: a strict per-user limit on computations, and the same question
answered from the cache until the data changes, also for a read-only board member."""

from __future__ import annotations

from django.test import override_settings


@override_settings(ACCORD_API_EXPENSIVE_RATE_LIMIT=1)
def test_board_members_get_computed_frontiers_from_the_cache(ciso, make_user, api_as, estimated, budget):
    url = f"/portfolio/budget-scenarios/{budget.pk}/frontier"
    first_board, second_board = api_as(make_user("board_viewer")), api_as(make_user("board_viewer"))

    computed = first_board.get(f"{url}?points=5")
    assert computed.status_code == 200, computed.json()
    refused = first_board.get(f"{url}?points=6")  # a second computation in the same minute
    assert refused.status_code == 429 and "1 expensive computations a minute" in refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60

    again = first_board.get(f"{url}?points=5")  # the same question: from the cache, no computation
    assert again.status_code == 200 and again.json() == computed.json()
    assert second_board.get(f"{url}?points=5").json() == computed.json()  # another board member: cached too
    assert second_board.get(f"{url}?points=7").status_code == 200  # and their own budget is untouched

    from accord.portfolio import services

    services.update_budget_scenario(actor=ciso, budget_scenario=budget, budget=650_000)  # the data changes
    assert first_board.get(f"{url}?points=5").status_code == 429  # so the cached answer is gone


@override_settings(ACCORD_API_EXPENSIVE_RATE_LIMIT=2)
def test_writes_that_compute_count_against_the_strict_limit(ciso, api_as, estimated, budget):
    api = api_as(ciso)
    statuses = [api.post("/portfolio/estimates", {"initiatives": ["edr"], "budget_scenario_id": budget.pk,
                                                  "years": 1000}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert api.get("/portfolio/initiatives").status_code == 200  # the ordinary limit still has room

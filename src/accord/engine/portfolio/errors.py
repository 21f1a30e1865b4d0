"""The errors the portfolio engine raises for input it cannot use."""

from __future__ import annotations


class InvalidInstance(ValueError):
    """An instance refused at the door, naming the field path that is wrong."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class InfeasibleBudget(ValueError):
    """No selection satisfies the budget: the forced initiatives alone cost more."""

    def __init__(self, budget: float, forced_cost: float) -> None:
        self.path = "budget"
        self.message = (
            f"{budget:,.0f} is below {forced_cost:,.0f}, the cost over the horizon of the "
            "mandatory initiatives and what they require"
        )
        super().__init__(f"{self.path}: {self.message}")
        self.budget = budget
        self.forced_cost = forced_cost

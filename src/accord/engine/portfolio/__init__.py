"""Security portfolio: budget-optimal selection of initiatives, the spend-versus-risk frontier, ROSI.

Pure computation (no Django): instances are parsed and validated by `instance`, the exact
multiplicative residual lives in `residual`, the HiGHS model in `milp`, the frontier in `frontier`
and per-initiative finance (ROSI, NPV, payback, cost by year) in `finance`.
"""

# Stored with every selection and estimate; bumped whenever a result changes for the same instance
# (see accord.engine). 1.0: the first versioned release, ROSI from accord.engine.money.
ENGINE_VERSION = "portfolio 1.0"

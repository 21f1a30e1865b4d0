"""Security portfolio: budget-optimal selection of initiatives, the spend-versus-risk frontier, ROSI.

Pure computation (no Django): instances are parsed and validated by `instance`, the exact
multiplicative residual lives in `residual`, the HiGHS model in `milp`, the frontier in `frontier`
and per-initiative finance (ROSI, NPV, payback, cost by year) in `finance`.
"""

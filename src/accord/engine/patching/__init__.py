"""Patch planner engine: schedule remediation into maintenance windows.

Pure computation (no Django): parse an instance, plan it greedily and with a mixed-integer
program (HiGHS), trace the expected-loss/downtime trade-off frontier, propose emergency changes and
check any plan independently. See docs/patch-planner.md for the model and its assumptions.
"""

from accord.engine.patching.errors import InvalidInstance
from accord.engine.patching.model import Asset, Cluster, Freeze, Instance, Job, Plan, Window

# Bumped whenever the same instance can give different results (stored with every plan).
# 2.0: exposure in money, priced frontier with the point at greedy's downtime, one wall-time limit.
ENGINE_VERSION = "patching 2.0"

__all__ = ["ENGINE_VERSION", "Asset", "Cluster", "Freeze", "Instance", "InvalidInstance", "Job", "Plan", "Window"]

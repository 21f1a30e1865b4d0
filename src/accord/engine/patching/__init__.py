"""Patch planner engine: schedule remediation jobs into maintenance windows.

Pure computation (no Django): parse an instance, plan it greedily and with a mixed-integer
program (HiGHS), trace the exposure/disruption trade-off frontier, propose emergency changes and
check any plan independently. See docs/patch-planner.md for the model and its assumptions.
"""

from accord.engine.patching.errors import InvalidInstance
from accord.engine.patching.model import Asset, Cluster, Freeze, Instance, Job, Plan, Window

__all__ = ["Asset", "Cluster", "Freeze", "Instance", "InvalidInstance", "Job", "Plan", "Window"]

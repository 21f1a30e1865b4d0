"""The demo's patch planning: weekly maintenance windows per business service for 13 weeks, windows
for network devices and laptops, the year-end freeze, two clusters, and one proposed plan made from
the demo's open findings (so this builder runs after the vulnerabilities builder)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accord.engine.native_output import native_output_to_stderr
from accord.org import selectors as org_selectors
from accord.patching import services

WEEKS = 13
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# (tier) -> weekday, hour (UTC), minutes, change capacity: Tier-1 at night with few changes, others larger.
TIER_WINDOWS = {1: (1, 23, 180, 20), 2: (5, 6, 360, 40), 3: (5, 10, 480, 60), 4: (5, 10, 480, 60)}
TAG_WINDOWS = (("Network devices, Sunday night", "network", 6, 1, 240, 12),
               ("Laptops, Wednesday lunchtime", "endpoint", 2, 12, 240, 80))
FREEZE = (datetime(2026, 12, 20, tzinfo=UTC), datetime(2027, 1, 3, tzinfo=UTC), "Quarter-end and year-end close")
CLUSTERS = (("ERP databases", "erp-db-", 1), ("Domain controllers", "idm-dc-", 2))


def _first(weekday: int, hour: int, after: datetime) -> datetime:
    day = after.date() + timedelta(days=(weekday - after.weekday()) % 7 or 7)
    return datetime.combine(day, time(hour), tzinfo=UTC)


def build_patching(context: Any) -> str:
    actor = context.users.get("itops") or context.admin
    now = timezone.now().astimezone(UTC)
    windows = 0
    services_by_tier = org_selectors.services_visible_to(actor).order_by("criticality_tier", "name")
    for service in services_by_tier:
        weekday, hour, minutes, capacity = TIER_WINDOWS[service.criticality_tier]
        # Tier-1 services alternate Tuesday and Thursday nights so that one night is not overloaded.
        if service.criticality_tier == 1 and windows % 2:
            weekday = 3
        services.create_window(actor=actor, name=f"{service.name}, weekly", business_service=service,
                               start=_first(weekday, hour, now), duration_minutes=minutes, max_changes=capacity,
                               rrule=f"FREQ=WEEKLY;BYDAY={DAYS[weekday]};COUNT={WEEKS}")
        windows += 1
    for name, tag, weekday, hour, minutes, capacity in TAG_WINDOWS:
        services.create_window(actor=actor, name=name, asset_tag=tag, start=_first(weekday, hour, now),
                               duration_minutes=minutes, max_changes=capacity,
                               rrule=f"FREQ=WEEKLY;BYDAY={DAYS[weekday]};COUNT={WEEKS}")
        windows += 1
    start, end, reason = FREEZE
    services.create_freeze(actor=actor, start=start, end=end, reason=reason)
    for name, prefix, max_down in CLUSTERS:
        members = [a for a in org_selectors.assets_visible_to(actor).filter(hostname__startswith=prefix)
                   if a.environment == "production"]
        services.create_cluster(actor=actor, name=name, max_down=max_down, members=members)
    with native_output_to_stderr():  # HiGHS prints its banner on stdout, which carries the demo's summary
        plan = services.generate_plan(actor=actor, horizon_days=WEEKS * 7, time_limit=5.0, frontier_points=5)
    return (f"{windows} maintenance windows, 1 freeze, {len(CLUSTERS)} clusters, proposed patch plan #{plan.pk} "
            f"({len(plan.jobs)} jobs)")

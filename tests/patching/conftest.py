"""A tiny organisation with open findings (imported through the vulns app) and maintenance windows.

Dates are relative to now: the vulns app gives findings due dates from today, so the plan, its
windows and its freeze must move with them."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from accord.core.permissions import Role
from accord.patching import services
from accord.patching.planning import planning_start
from accord.vulns.importer import import_scan

# Accord's generic CSV. The same fix (solution) on one asset makes one job: erp-db-01 has two jobs
# (OpenSSL, two findings; the kernel, which needs a reboot), erp-app-01 one, www-01 one (whose fix
# text starts like a spreadsheet formula, to test CSV escaping).
SCAN = """hostname,title,severity,rule_id,cves,epss,solution
erp-db-01,OpenSSL buffer overflow,critical,ossl-1,CVE-2024-0001,0.9,Upgrade OpenSSL to 3.0.13
erp-db-01,OpenSSL timing leak,high,ossl-2,CVE-2024-0002,0.2,Upgrade OpenSSL to 3.0.13
erp-db-01,Kernel privilege escalation,high,kern-1,CVE-2024-0003,0.5,Update the kernel and reboot
erp-app-01,Tomcat request smuggling,medium,tc-1,CVE-2024-0004,0.01,Upgrade Tomcat to 9.0.90
www-01,"nginx header injection, part 1",high,ngx-1,CVE-2024-0005,0.3,"=HYPERLINK(""x""); upgrade nginx, restart"
"""


def at(day: datetime, hour: int) -> datetime:
    return datetime.combine(day.date(), time(hour), tzinfo=UTC)


@pytest.fixture
def plan_start() -> datetime:
    return planning_start()


@pytest.fixture
def cio(make_user: Any) -> Any:
    return make_user(Role.CIO, username="cio")


@pytest.fixture
def planning_data(org_data: dict[str, Any], ciso: Any, plan_start: datetime) -> dict[str, Any]:
    run = import_scan(actor=ciso, file=io.BytesIO(SCAN.encode()), filename="scan.csv", format="csv")
    assert run.new == 5, run
    erp_night = services.create_window(actor=ciso, name="ERP night", business_service=org_data["erp"],
                                       start=at(plan_start + timedelta(days=2), 22), duration_minutes=240,
                                       max_changes=2, rrule="FREQ=WEEKLY")
    web = services.create_window(actor=ciso, name="Web morning", asset_tag="web",
                                 start=at(plan_start + timedelta(days=3), 6), duration_minutes=120,
                                 rrule="FREQ=WEEKLY")
    freeze = services.create_freeze(actor=ciso, start=plan_start + timedelta(days=20),
                                    end=plan_start + timedelta(days=34), reason="Quarter-end freeze")
    return {**org_data, "run": run, "erp_night": erp_night, "web_window": web, "freeze": freeze}


@pytest.fixture
def plan(planning_data: dict[str, Any], ciso: Any, plan_start: datetime) -> Any:
    return services.generate_plan(actor=ciso, horizon_days=60, time_limit=2, frontier_points=3, start=plan_start)

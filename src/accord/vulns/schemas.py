from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from accord.core.api_common import MAX_PAGE_SIZE, DbId, InputSchema, Text

DecisionValue = Literal["track", "track*", "attend", "act"]
MAX_SLA_DAYS = 3650


class FindingQuery(InputSchema):
    state: Literal["open", "reopened", "fixed", "suppressed", "all"] = "open"
    decision: DecisionValue | None = None
    kev: bool | None = None
    epss_min: float | None = Field(default=None, ge=0, le=1)
    service: DbId | None = None
    team: DbId | None = None
    sla: Literal["on_track", "due_soon", "breached", "accepted"] | None = None
    scanner: Text = Field(default="", max_length=60)
    severity: Literal["critical", "high", "medium", "low", "info"] | None = None
    cve: Text = Field(default="", max_length=40, description="one CVE id, e.g. CVE-2024-3400 (any case)")
    asset: DbId | None = None
    fix: Text = Field(default="", max_length=40, description="a fix key, as the list grouped by fix gives it")


class FindingPageQuery(FindingQuery):
    cursor: Text = Field(default="", max_length=40, description="next_cursor of the previous page")
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)


GroupBy = Literal["cve", "fix", "asset"]


class GroupQuery(FindingQuery):
    by: GroupBy
    limit: int = Field(default=200, ge=1, le=1000, description="most groups to return")


class ExportQuery(FindingQuery):
    format: Literal["csv", "xlsx"] = Field(default="csv", description="csv (streamed, no limit) or xlsx "
                                                                      "(at most 100,000 rows)")
    by: GroupBy | None = Field(default=None, description="export the groups instead of the findings")


class DecisionPointOut(Schema):
    point: str
    value: str
    source: str
    reason: str


class FindingOut(Schema):
    id: int
    asset_id: int
    hostname: str = Field(alias="asset.hostname")
    service: str | None = Field(alias="service_name", description="the asset's business service")
    team: str | None = Field(alias="team_name", description="the asset's owning team")
    asset_exposure_review: bool = Field(description="the asset has a public IP address but is recorded as not "
                                                    "internet-exposed: one of the two needs checking")
    title: str
    scanner: str
    rule_id: str
    severity: str
    cves: list[str] = Field(alias="cve_list")
    port: int | None
    protocol: str
    location: str
    state: str
    decision: str
    computed_decision: str
    kev: bool
    epss: float | None
    cvss_score: float | None
    due_date: dt.date = Field(description="a day in the organisation's time zone (ACCORD_TIME_ZONE)")
    due_rule: Literal["decision", "kev", "bod_22_01", "kept"] = Field(
        description="which rule set the due date: the decision's days, the KEV days, CISA's BOD 22-01 date "
                    "(only when bound by it), or the date kept from before the decision escalated")
    accepted_until: dt.date | None = Field(description="a granted risk acceptance covers it through this day: "
                                                       "it is in no breach or past-due count until then")
    first_seen: dt.datetime
    last_seen: dt.datetime


class CountsOut(Schema):
    findings: int = Field(description="findings matching the filters, in any state the filters allow")
    open: int
    kev: int = Field(description="open and in CISA's KEV catalogue")
    past_due: int = Field(description="open, after their due date and not covered by a granted risk acceptance")
    act: int
    attend: int
    track_star: int
    track: int
    earliest_due: dt.date | None = Field(description="the earliest due date of the open ones")


class GroupOut(Schema):
    key: str = Field(description="the CVE id, the fix key or the asset id: pass it as the filter `param` names")
    label: str = Field(description="the CVE id, the fix (solution text or 'fix RULE') or the asset's hostname")
    param: str = Field(description="the findings filter that lists this group: cve, fix or asset")
    detail: str = Field(description="a CVE's name in CISA's KEV catalogue")
    service: str | None
    team: str | None
    exposure_review: bool
    counts: CountsOut


class GroupListOut(Schema):
    by: str
    exact: bool = Field(description="false when there are more groups than `limit`")
    groups: list[GroupOut] = Field(alias="rows")


class FindingPageOut(Schema):
    count: int = Field(description="number of matching findings, counted up to count_cap")
    count_exact: bool = Field(description="false when there are more than count_cap matches")
    count_cap: int
    page_size: int
    next_cursor: str | None
    items: list[FindingOut]


class HistoryOut(Schema):
    at: dt.datetime
    actor_name: str
    action: str
    before: Any = None
    after: Any = None


class FindingDetailOut(FindingOut):
    fingerprint: str
    source_format: str
    description: str
    solution: str
    evidence: str
    cvss3_vector: str
    cvss3_score: float | None
    cvss4_vector: str
    cvss4_score: float | None
    vpr: float | None
    exploit_available: bool | None
    exploit_evidence: str
    kev_date_added: dt.date | None
    kev_due_date: dt.date | None = Field(description="CISA's BOD 22-01 due date: binding only when the SLA policy "
                                                     "says the organisation is bound by BOD 22-01")
    kev_due_date_binds: bool
    epss_cve: str
    scope: str
    suppression_justification: str
    fixed_at: dt.datetime | None
    decision_points: list[DecisionPointOut]
    explanation: str
    sla_status: str
    opened_on: dt.date = Field(description="first seen, or the day it was last reopened (the KEV clock's start)")
    sla_start: dt.date = Field(description="when the decision's clock started")
    due_reason: str = Field(description="which rule set the due date, in words")
    override_decision: str
    override_justification: str
    override_by: str | None = None
    override_at: dt.datetime | None
    history: list[HistoryOut]


class OverrideIn(InputSchema):
    decision: DecisionValue
    justification: Text = Field(min_length=1, max_length=2000)


class ClearOverrideIn(InputSchema):
    justification: Text = Field(min_length=1, max_length=2000)


class ImportRunOut(Schema):
    id: int
    filename: str
    sha256: str
    size_bytes: int
    source_format: str
    scanner: str
    scope: str
    actor: str = Field(alias="actor.username")
    started_at: dt.datetime
    finished_at: dt.datetime | None
    duration_seconds: float
    findings_read: int
    new: int
    unchanged: int
    updated: int
    fixed: int
    reopened: int
    suppressed: int
    duplicates: int
    assets_created: int
    findings: int = Field(description="distinct findings in the file: findings_read less the repeats merged")
    summary: dict[str, Any] = Field(description="what the file held that is not a finding of its own: `ignored` "
                                                "columns or elements with the rows or elements that carried a value, "
                                                "`notes`, `repeats_merged`, `repeats_differing`")

    @staticmethod
    def resolve_findings(run: Any) -> int:
        return int(run.findings_read - run.duplicates)


class FeedLoadOut(Schema):
    id: int
    kind: str
    filename: str
    sha256: str
    feed_version: str
    feed_date: dt.datetime | None
    entries: int
    added: int
    changed: int
    removed: int
    findings_redecided: int
    loaded_by: str = Field(alias="loaded_by.username")
    loaded_at: dt.datetime


class FeedResultOut(Schema):
    unchanged: bool = Field(description="true when the file was the same as the last one loaded: nothing done")
    load: FeedLoadOut


class SlaPolicyIn(InputSchema):
    act_days: int = Field(ge=0, le=MAX_SLA_DAYS)
    attend_days: int = Field(ge=0, le=MAX_SLA_DAYS)
    track_star_days: int = Field(ge=0, le=MAX_SLA_DAYS)
    track_days: int = Field(ge=0, le=MAX_SLA_DAYS)
    due_soon_days: int = Field(default=7, ge=0, le=MAX_SLA_DAYS)
    kev_days: int | None = Field(default=None, ge=0, le=MAX_SLA_DAYS,
                                 description="days for a KEV-listed finding from the later of first seen and the "
                                             "KEV listing; left out: the value in force")
    bound_by_bod_22_01: bool | None = Field(
        default=None, description="CISA's KEV due dates bind (US federal civilian agencies); left out: as in force")
    reason: Text = Field(default="", max_length=2000)


class SlaPolicyOut(Schema):
    id: int
    act_days: int
    attend_days: int
    track_star_days: int
    track_days: int
    due_soon_days: int
    kev_days: int
    bound_by_bod_22_01: bool
    reason: str
    status: str
    proposed_by: str
    proposed_role: str
    proposed_at: dt.datetime
    confirmed_by: str | None = None
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str:
        return str(obj.proposed_by.username)

    @staticmethod
    def resolve_confirmed_by(obj: Any) -> str | None:
        return obj.confirmed_by.username if obj.confirmed_by else None


class SlaDaysOut(Schema):
    act: int
    attend: int
    track_star: int
    track: int
    due_soon_days: int
    kev_days: int
    bound_by_bod_22_01: bool
    rule: str = Field(description="the due-date rule in force, in words")


class PolicyStateOut(Schema):
    in_force: SlaDaysOut
    active: SlaPolicyOut | None
    pending: SlaPolicyOut | None


class ComplianceQuery(InputSchema):
    by: Literal["service", "team"] = "service"


class ComplianceOut(Schema):
    id: int | None = Field(alias="key")
    name: str
    open: int
    on_track: int
    due_soon: int
    breached: int
    accepted: int = Field(description="open and covered by a granted risk acceptance (not breached)")
    fixed_in_time: int
    fixed_late: int
    within_sla_percent: float | None = Field(alias="within_sla")

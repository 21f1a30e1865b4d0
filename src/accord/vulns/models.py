"""Findings from scanner imports, the runs that brought them, the KEV/EPSS feeds and the SLA policy.

A finding carries its SSVC decision, the reasons for each decision point and its SLA due date,
denormalised on the row (KEV flag, EPSS, decision, due date) and indexed, so that the list stays
fast with a million findings. SLA status is not stored: it depends on today, so it is a range
filter on the indexed due date (see `selectors.sla_filter`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from accord.org.models import Asset


class FindingState(models.TextChoices):
    OPEN = "open", "Open"
    REOPENED = "reopened", "Reopened"
    FIXED = "fixed", "Fixed"
    SUPPRESSED = "suppressed", "Suppressed (not affected)"


OPEN_STATES = (FindingState.OPEN.value, FindingState.REOPENED.value)


class DecisionChoice(models.TextChoices):
    """CISA's SSVC outcomes, least to most urgent (the values are the engine's)."""

    TRACK = "track", "Track"
    TRACK_STAR = "track*", "Track*"
    ATTEND = "attend", "Attend"
    ACT = "act", "Act"


class DueRuleChoice(models.TextChoices):
    """Which rule set a due date (the values are the engine's `DueRule`)."""

    DECISION = "decision", "the decision's days"
    KEV = "kev", "the KEV remediation days"
    BOD_22_01 = "bod_22_01", "CISA's BOD 22-01 due date"
    KEPT = "kept", "the date before the decision escalated"


class SeverityChoice(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    INFO = "info", "Info"


class ImportRun(models.Model):
    """One scanner file imported: who, what, and how many findings came out new, unchanged, fixed..."""

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    source_format = models.CharField(max_length=20)
    scanner = models.CharField(max_length=60, blank=True)
    scope = models.CharField(max_length=200, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(default=0.0)
    findings_read = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0, help_text="Seen again with changed details.")
    fixed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    suppressed = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0, help_text="Rows repeating a finding of the same file.")
    assets_created = models.PositiveIntegerField(default=0)
    # What the parser read but did not keep ({"ignored": {name: count}, "notes": [...]}, see
    # accord.engine.vulns.notes), so the run page can say nothing was lost silently.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.scope})"

    @property
    def ignored_list(self) -> list[tuple[str, int]]:
        """The summary's ignored columns or elements as (name, rows or elements with a value)."""
        return list((self.summary or {}).get("ignored", {}).items())


class Finding(models.Model):
    # Foreign keys without their own index where a composite index below covers them (or nothing
    # queries by them): each index costs time on every one of a million inserts.
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="findings", db_index=False)
    fingerprint = models.CharField(max_length=64, unique=True)
    # What the scanner said.
    source_format = models.CharField(max_length=20)
    scanner = models.CharField(max_length=60)
    rule_id = models.CharField(max_length=255)
    title = models.CharField(max_length=500)
    severity = models.CharField(max_length=8, choices=SeverityChoice.choices)
    # Stored as ",CVE-1,CVE-2," so that `cves__contains=",CVE-1,"` matches exactly.
    cves = models.TextField(blank=True, default="")
    cvss3_vector = models.CharField(max_length=200, blank=True)
    cvss3_score = models.FloatField(null=True, blank=True)
    cvss4_vector = models.CharField(max_length=300, blank=True)
    cvss4_score = models.FloatField(null=True, blank=True)
    vpr = models.FloatField(null=True, blank=True)
    scanner_epss = models.FloatField(null=True, blank=True)
    exploit_available = models.BooleanField(null=True)
    exploit_evidence = models.CharField(max_length=300, blank=True)
    port = models.IntegerField(null=True, blank=True)
    protocol = models.CharField(max_length=16, blank=True)
    location = models.CharField(max_length=1000, blank=True)
    description = models.TextField(blank=True)
    solution = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    # What fixes it, as the patch planner names it (`accord.vulns.fixes.fix_key_of`): findings are
    # grouped and filtered by fix in the database.
    fix_key = models.CharField(max_length=16, default="")
    content_hash = models.CharField(max_length=32, help_text="Digest of the scanner's details, to spot changes.")
    # Lifecycle.
    state = models.CharField(max_length=10, choices=FindingState.choices, default=FindingState.OPEN)
    suppression_justification = models.TextField(blank=True)
    scope = models.CharField(max_length=200)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    fixed_at = models.DateTimeField(null=True, blank=True)
    first_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  db_index=False)
    last_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 db_index=False)
    # Enrichment (denormalised from the feeds at decision time).
    cvss_score = models.FloatField(null=True, blank=True, help_text="Base score computed from the vector.")
    kev = models.BooleanField(default=False)
    kev_date_added = models.DateField(null=True, blank=True)
    kev_due_date = models.DateField(null=True, blank=True)
    epss = models.FloatField(null=True, blank=True, help_text="Highest EPSS of its CVEs (feed, else scanner).")
    epss_cve = models.CharField(max_length=24, blank=True)
    # The SSVC decision: `decision` is what counts (the analyst's override if any).
    computed_decision = models.CharField(max_length=8, choices=DecisionChoice.choices)
    decision = models.CharField(max_length=8, choices=DecisionChoice.choices)
    decision_points = models.JSONField(default=list, help_text="[{point, value, source, reason}, ...]")
    override_decision = models.CharField(max_length=8, choices=DecisionChoice.choices, blank=True)
    override_justification = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    override_at = models.DateTimeField(null=True, blank=True)
    # SLA (docs/vulnerabilities.md, "Due dates"): the decision's clock starts at `sla_start` (first
    # seen, reopened, or when the decision escalated); the KEV clock at the later of `opened_on` and
    # `kev_date_added`. Days are the organisation's calendar days (`accord.core.clock`).
    opened_on = models.DateField(help_text="First seen, or the day it was last reopened.")
    sla_start = models.DateField()
    due_date = models.DateField()
    due_rule = models.CharField(max_length=10, choices=DueRuleChoice.choices, default=DueRuleChoice.DECISION)
    due_reason = models.TextField(blank=True, default="", help_text="Which rule set the due date, in words.")
    due_not_after = models.DateField(
        null=True, blank=True, help_text="The due date before the decision last escalated: never extended past it.")
    # A granted risk acceptance (accord.acceptances) takes the finding out of the SLA breach counts
    # through this day; the day after, it counts again. Set and cleared only by
    # `services.set_accepted_until`, which the acceptances app calls.
    accepted_until = models.DateField(
        null=True, blank=True, help_text="Accepted (a granted risk acceptance) through this day: not counted as breached.")

    class Meta:
        ordering = ["due_date", "id"]
        # Few indexes on purpose: each costs time on every one of a million inserts. Lists filter on
        # state (open by default) and walk (state, due date); rarer filters (KEV, EPSS, service, team,
        # scanner) are checked along that walk, which stays short because a page needs only 50 rows.
        indexes = [
            models.Index(fields=["state", "due_date", "id"], name="finding_state_due"),
            models.Index(fields=["decision", "due_date"], name="finding_decision_due"),
            models.Index(fields=["asset", "due_date"], name="finding_asset_due"),
            models.Index(fields=["scope", "state"], name="finding_scope_state"),
            # "KEV only" is the filter leaders use most; KEV rows are few, so without this index a
            # page walks every open finding to find them.
            models.Index(fields=["kev", "state", "due_date", "id"], name="finding_kev_state_due"),
            # One fix's findings, most urgent first (the drill-down from the list grouped by fix).
            models.Index(fields=["fix_key", "due_date"], name="finding_fix_due"),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.asset_id}"

    @property
    def cve_list(self) -> list[str]:
        return [cve for cve in self.cves.split(",") if cve]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def accepted_on(self, day: date) -> bool:
        """Whether a granted risk acceptance covers the finding on `day`."""
        return self.accepted_until is not None and self.accepted_until >= day

    # What the lists show beside each finding (the asset comes with its service and team).
    @property
    def service_name(self) -> str | None:
        return self.asset.business_service.name if self.asset.business_service else None

    @property
    def team_name(self) -> str | None:
        return self.asset.team.name if self.asset.team else None

    @property
    def asset_exposure_review(self) -> bool:
        return self.asset.exposure_review


def cves_text(cves: tuple[str, ...] | list[str]) -> str:
    return f",{','.join(cves)}," if cves else ""


class FindingCve(models.Model):
    """One CVE a finding names: the index behind the CVE search (`Finding.cves` keeps the list as text).

    Kept in step wherever a finding's CVEs are written (`accord.vulns.cve_index`): the importer's
    batched inserts and its updates; migration 0005 filled it for findings stored before.
    """

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="cve_rows", db_index=False)
    cve = models.CharField(max_length=24)

    class Meta:
        # (cve, finding): the search walks one CVE's findings; unique, so a finding names a CVE once.
        constraints = [models.UniqueConstraint(fields=["cve", "finding"], name="finding_cve_unique")]
        verbose_name = "finding CVE"

    def __str__(self) -> str:
        return f"{self.cve} on finding {self.finding_id}"


class KevEntry(models.Model):
    """One entry of the CISA Known Exploited Vulnerabilities catalogue, as last loaded."""

    cve_id = models.CharField(max_length=24, unique=True)
    vendor_project = models.CharField(max_length=200, blank=True)
    product = models.CharField(max_length=200, blank=True)
    vulnerability_name = models.CharField(max_length=500, blank=True)
    date_added = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    known_ransomware = models.BooleanField(default=False)
    short_description = models.TextField(blank=True)
    required_action = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    cwes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-date_added", "cve_id"]
        verbose_name = "KEV entry"
        verbose_name_plural = "KEV entries"

    def __str__(self) -> str:
        return self.cve_id


class EpssScore(models.Model):
    cve = models.CharField(max_length=24, unique=True)
    epss = models.FloatField()
    percentile = models.FloatField()

    def __str__(self) -> str:
        return f"{self.cve} {self.epss:.4f}"


class FeedKind(models.TextChoices):
    KEV = "kev", "CISA KEV"
    EPSS = "epss", "FIRST EPSS"


class FeedLoad(models.Model):
    """One feed file loaded: the feed's own version and date, and what changed."""

    kind = models.CharField(max_length=8, choices=FeedKind.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    feed_version = models.CharField(max_length=60, blank=True)
    feed_date = models.DateTimeField(null=True, blank=True)
    entries = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    findings_redecided = models.PositiveIntegerField(default=0)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-loaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.feed_version} ({self.filename})"


class PolicyStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed, awaiting confirmation"
    ACTIVE = "active", "In force"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SlaPolicy(models.Model):
    """Days to remediate per SSVC decision. A CISO or CIO proposes; the other one confirms (a governance
    sign-off, `signoff`)."""

    act_days = models.PositiveIntegerField(default=7)
    attend_days = models.PositiveIntegerField(default=30)
    track_star_days = models.PositiveIntegerField(default=90)
    track_days = models.PositiveIntegerField(default=180)
    due_soon_days = models.PositiveIntegerField(default=7)
    kev_days = models.PositiveIntegerField(
        default=14, help_text="Days for a KEV-listed finding, from the later of first seen and the KEV listing.")
    bound_by_bod_22_01 = models.BooleanField(
        default=False, help_text="CISA's KEV due dates bind (US federal civilian agencies); else a reference.")
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_role = models.CharField(max_length=8)
    proposed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    signoff = models.ForeignKey("governance.SignOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The proposal's sign-off: the other leader confirms.")

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        bound = ", bound by BOD 22-01" if self.bound_by_bod_22_01 else ""
        return (f"act {self.act_days}, attend {self.attend_days}, track* {self.track_star_days}, "
                f"track {self.track_days} days, KEV {self.kev_days} days{bound} ({self.status})")

    def days(self) -> dict[str, int]:
        return {"act": self.act_days, "attend": self.attend_days, "track*": self.track_star_days,
                "track": self.track_days}


class SsvcSettings(models.Model):
    """The organisation's SSVC derivation choices (one row)."""

    epss_threshold = models.FloatField(default=0.1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "SSVC settings"
        verbose_name_plural = "SSVC settings"

    def __str__(self) -> str:
        return f"EPSS threshold {self.epss_threshold}"

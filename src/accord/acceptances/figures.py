"""The figures an acceptance is asked and granted on, and the rule that says when they changed
materially (docs/acceptances.md, "When an acceptance goes stale").

The figures are not computed here: a scenario's residual annual expected loss is the mean annual loss
of its latest stored run (what the risk register shows); a finding's money is the expected loss per
day the patch planner prices it at (`accord.patching.selectors.findings_loss`), over a year and never
more than its share of its asset's loss if exploited; EPSS, SSVC decision and KEV listing are the
findings' own (the highest EPSS, the most urgent decision of the group).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from accord.core import money

# The materiality rule: a change of any one of these makes a granted acceptance stale.
LOSS_RISE = 0.25  # residual annual expected loss up by 25 % or more
EPSS_RISE = 0.10  # EPSS up by 0.10 or more (absolute)...
EPSS_DOUBLING_FLOOR = 0.01  # ...or at least doubled, when it is now 1 % or more (below that, doubling is noise)
DAYS_PER_YEAR = 365
DECISION_RANK = {"": 0, "track": 1, "track*": 2, "attend": 3, "act": 4}

RULES_IN_WORDS = (
    f"residual annual expected loss up by {LOSS_RISE:.0%} or more",
    f"EPSS up by {EPSS_RISE:.2f} or more, or at least doubled when it is now {EPSS_DOUBLING_FLOOR:.0%} or more",
    "SSVC decision more urgent (track → track* → attend → act)",
    "listed in CISA's KEV catalogue",
    "new open findings in the group (a CVE's or a fix's)",
    "the expiry date passed (the acceptance expires instead)",
)


@dataclass(frozen=True)
class Figures:
    currency: str
    annual_loss: float | None  # residual annual expected loss, in `currency`
    loss_source: str  # where the money comes from, in words
    as_of: str  # ISO day the figures were read
    loss_per_day: float | None = None  # findings: the patch planner's expected loss per day
    epss: float | None = None
    decision: str = ""
    kev: bool = False
    findings: int = 0
    finding_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figures:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known.setdefault("currency", "")
        known.setdefault("annual_loss", None)
        known.setdefault("loss_source", "")
        known.setdefault("as_of", "")
        return cls(**known)

    def display(self) -> dict[str, str]:
        """Label -> figure with its unit, as the pages, the sign-off and the agenda show them."""
        shown = {"residual annual expected loss": money.full(self.annual_loss, self.currency)}
        if self.loss_per_day is not None:
            shown["expected loss per day (patch planner)"] = money.full(self.loss_per_day, self.currency)
        if self.findings or self.finding_ids:
            shown["open findings"] = f"{self.findings:,}"
            shown["highest EPSS"] = money.NO_VALUE if self.epss is None else f"{self.epss:.3f}"
            shown["most urgent SSVC decision"] = self.decision or money.NO_VALUE
            shown["in CISA's KEV"] = "yes" if self.kev else "no"
        shown["as of"] = self.as_of or money.NO_VALUE
        return shown


def annual_from_daily(loss_per_day: float, loss_cap: float) -> float:
    """A year of the planner's expected loss per day, never more than the loss if exploited (the
    planner's own cap: an asset is compromised at most once)."""
    return min(loss_per_day * DAYS_PER_YEAR, loss_cap)


def _pct(before: float, after: float) -> str:
    return f"+{(after - before) / before:.0%}" if before else "new"


def material_changes(granted: Figures, now: Figures) -> list[str]:
    """Why the figures now differ materially from those granted on (empty: they do not)."""
    reasons: list[str] = []
    before_loss, after_loss = granted.annual_loss, now.annual_loss
    if after_loss is not None and after_loss > 0:
        if not before_loss:
            reasons.append(f"residual annual expected loss is now {money.full(after_loss, now.currency)} "
                           "(none when granted)")
        elif after_loss >= before_loss * (1 + LOSS_RISE):
            reasons.append(f"residual annual expected loss up from {money.full(before_loss, granted.currency)} to "
                           f"{money.full(after_loss, now.currency)} ({_pct(before_loss, after_loss)})")
    before_epss, after_epss = granted.epss or 0.0, now.epss
    if after_epss is not None and (
            after_epss - before_epss >= EPSS_RISE - 1e-12
            or (before_epss > 0 and after_epss >= 2 * before_epss and after_epss >= EPSS_DOUBLING_FLOOR)):
        reasons.append(f"EPSS up from {before_epss:.3f} to {after_epss:.3f}")
    if DECISION_RANK.get(now.decision, 0) > DECISION_RANK.get(granted.decision, 0) and granted.finding_ids:
        reasons.append(f"SSVC decision now {now.decision} (was {granted.decision or 'none'})")
    if now.kev and not granted.kev:
        reasons.append("now listed in CISA's KEV catalogue")
    new = sorted(set(now.finding_ids) - set(granted.finding_ids))
    if new and granted.finding_ids:
        reasons.append(f"{len(new):,} new open finding{'s' if len(new) != 1 else ''} in the group "
                       f"(#{', #'.join(str(n) for n in new[:5])}{', …' if len(new) > 5 else ''})")
    return reasons


def is_dual(annual_loss: float | None, threshold: float) -> bool:
    """Both leaders approve at or above the threshold, and when the money is unknown."""
    return annual_loss is None or annual_loss >= threshold

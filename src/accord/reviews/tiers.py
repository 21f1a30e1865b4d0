"""Which review a project needs: the tier table (data classification by internet exposure, then third
parties). The rules are read top to bottom; the first that matches gives the tier. Emergency is
never given by the table: a requester or a reviewer chooses it, saying why.

| rule | tier |
|---|---|
| restricted data, whatever the exposure | full (threat model) |
| confidential data exposed to the public internet | full (threat model) |
| third parties involved, with internal, confidential or restricted data | vendor |
| public data, not on the public internet, no third parties | triage only |
| everything else | light |
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.reviews.models import DataClassification, Exposure, Tier

C, E = DataClassification, Exposure


@dataclass(frozen=True)
class TierRule:
    text: str
    tier: str
    classifications: frozenset[str]
    exposures: frozenset[str]
    third_parties: bool | None  # None: either

    def matches(self, classification: str, exposure: str, third_parties: bool) -> bool:
        return (classification in self.classifications and exposure in self.exposures
                and (self.third_parties is None or self.third_parties == third_parties))


ALL_EXPOSURES = frozenset(E.values)
RULES: tuple[TierRule, ...] = (
    TierRule("restricted data, whatever the exposure", Tier.FULL, frozenset({C.RESTRICTED}), ALL_EXPOSURES, None),
    TierRule("confidential data exposed to the public internet", Tier.FULL, frozenset({C.CONFIDENTIAL}),
          frozenset({E.PUBLIC}), None),
    TierRule("third parties involved, with internal, confidential or restricted data", Tier.VENDOR,
          frozenset({C.INTERNAL, C.CONFIDENTIAL, C.RESTRICTED}), ALL_EXPOSURES, True),
    TierRule("public data, not on the public internet, no third parties", Tier.TRIAGE, frozenset({C.PUBLIC}),
          frozenset({E.NONE, E.PARTNER}), False),
    TierRule("everything else", Tier.LIGHT, frozenset(C.values), ALL_EXPOSURES, None),
)


@dataclass(frozen=True)
class Suggestion:
    tier: str
    rule: str  # the rule that gave it, in words

    @property
    def label(self) -> str:
        return Tier(self.tier).label


def suggested_tier(classification: str, exposure: str, third_parties: bool) -> Suggestion:
    """The tier the table gives, with the rule that gave it."""
    for rule in RULES:
        if rule.matches(classification, exposure, third_parties):
            return Suggestion(rule.tier, rule.text)
    raise ValueError(f"no tier rule matches {classification!r}, {exposure!r}")  # the last rule matches all


def tier_table() -> list[dict[str, object]]:
    """The table as rows (classification) by columns (exposure), without and with third parties: for
    the pages, the API and the docs."""
    rows: list[dict[str, object]] = []
    for classification in C:
        rows.append({
            "classification": classification.value, "label": classification.label,
            "without_third_parties": [suggested_tier(classification, e, False).tier for e in E.values],
            "with_third_parties": [suggested_tier(classification, e, True).tier for e in E.values],
        })
    return rows

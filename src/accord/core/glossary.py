"""Short explanations of the terms Accord's pages use, shown on hover (and to screen readers).

`explain_first_uses(html)` wraps the first use of each term on a page in <abbr title="...">, so a
reader meets the explanation once without every table heading turning into a link.
"""

from __future__ import annotations

import html as html_module
import re

TERMS: dict[str, str] = {
    "ΔALE": "Change in annualised loss expectancy: how much a control or initiative lowers the expected "
            "loss a year (the mean of the simulated annual losses, before minus after).",
    "ALE": "Annualised loss expectancy: the expected loss a year, the mean of the simulated annual losses.",
    "ROSI": "Return on security investment: (ΔALE minus the yearly cost) divided by the yearly cost.",
    "SSVC": "Stakeholder-Specific Vulnerability Categorization (CISA): a decision tree from exploitation, "
            "automatability, technical impact and mission impact to track, track*, attend or act.",
    "track*": "SSVC decision: track, but watch closely; remediate within the standard time, ahead of plain track.",
    "EPSS": "Exploit Prediction Scoring System (FIRST): the probability that the vulnerability is exploited "
            "in the wild in the next 30 days.",
    "KEV": "CISA's Known Exploited Vulnerabilities catalogue: vulnerabilities exploited in the wild.",
    "SLA": "Service level for remediation: the days the organisation's policy allows to fix a finding, "
           "by its SSVC decision.",
    "CVSS": "Common Vulnerability Scoring System: the technical severity of a vulnerability, 0 to 10.",
}

# Longest first, so ΔALE wins over ALE; a term is a whole word (ALE is not in "ALERT").
_PATTERN = re.compile("|".join(rf"(?<![\w*]){re.escape(term)}(?![\w])" for term in sorted(TERMS, key=len,
                                                                                                  reverse=True)))
_TAG = re.compile(r"(<[^>]*>)")
_SKIP = {"textarea", "script", "style", "option", "select", "title", "abbr", "code", "pre", "button", "svg"}


def explain_first_uses(html: str) -> str:
    """`html` with the first use of each term in text wrapped in <abbr>; tags, attributes and the
    text of form controls, code and scripts are left alone."""
    explained: set[str] = set()
    skipping: list[str] = []
    pieces = _TAG.split(html)
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
            tag = name.group(1).lower() if name else ""
            if tag in _SKIP and not piece.endswith("/>"):
                if piece.startswith("</"):
                    if skipping and skipping[-1] == tag:
                        skipping.pop()
                else:
                    skipping.append(tag)
            continue
        if skipping or not piece.strip():
            continue

        def wrap(match: re.Match[str]) -> str:
            term = match.group(0)
            if term in explained:
                return term
            explained.add(term)
            return f'<abbr class="term" title="{html_module.escape(TERMS[term])}">{term}</abbr>'

        pieces[index] = _PATTERN.sub(wrap, piece)
    return "".join(pieces)

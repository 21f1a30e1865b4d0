"""The finding-to-CVE table (`FindingCve`), kept in step with each finding's `cves` text.

The CVE search joins this table on its (cve, finding) index instead of matching a substring of
every finding's CVE list: one CVE's findings are found without reading the others. Whoever writes
a finding's CVEs calls one of these, in the same transaction: the importer after each batch of
inserts (`add_for_new`) and for findings whose details changed (`replace`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q

from accord.vulns.models import Finding, FindingCve

_CHUNK = 400  # pairs per DELETE (two parameters each)


def cves_in(text: str) -> list[str]:
    """The CVEs of a finding's stored `cves` text (",CVE-1,CVE-2,")."""
    return [cve for cve in text.split(",") if cve]


def add_for_new(rows: Iterable[tuple[str, str]]) -> None:
    """Index findings just inserted, given as (fingerprint, cves text): their ids come from the
    fingerprint index in the same statement, so a batched INSERT need not return ids."""
    params = [(cve, fingerprint) for fingerprint, text in rows for cve in cves_in(text)]
    if not params:
        return
    quote = connection.ops.quote_name
    # Table and column names come from the models; the values go as parameters.
    sql = (f"INSERT INTO {quote(FindingCve._meta.db_table)} ({quote('finding_id')}, {quote('cve')}) "  # noqa: S608
           f"SELECT {quote('id')}, %s FROM {quote(Finding._meta.db_table)} WHERE {quote('fingerprint')} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def replace(changes: Iterable[tuple[int, str, str]]) -> None:
    """Re-index findings whose CVEs changed, given as (finding id, old cves text, new cves text)."""
    removed: list[tuple[str, int]] = []
    added: list[FindingCve] = []
    for finding_id, old, new in changes:
        before, after = set(cves_in(old)), set(cves_in(new))
        removed += [(cve, finding_id) for cve in before - after]
        added += [FindingCve(finding_id=finding_id, cve=cve) for cve in sorted(after - before)]
    for start in range(0, len(removed), _CHUNK):
        _delete(removed[start:start + _CHUNK])
    FindingCve.objects.bulk_create(added, batch_size=500)


def _delete(pairs: list[tuple[str, int]]) -> None:
    FindingCve.objects.filter(reduce(or_, (Q(cve=cve, finding_id=finding_id) for cve, finding_id in pairs))).delete()

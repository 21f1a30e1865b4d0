"""`import_scan`: a scanner file into findings, all or nothing, fast enough for a million rows.

The engine streams `ScanFinding`s; this module matches each to an asset, fingerprints it, and
compares it, a batch at a time, with what is stored:

- new fingerprint: a new finding, enriched (KEV, EPSS, CVSS), decided (SSVC) and given a due date;
- known and open with the same details: unchanged (one UPDATE per batch bumps `last_seen`);
- known with other details: updated and decided again;
- known but fixed or suppressed: reopened;
- open in this scope but not in the file: fixed (one UPDATE at the end).

Memory stays flat: findings are handled in batches, and only a 60-bit digest of each fingerprint
seen is kept (to merge rows a file repeats, by the rule `accord vulns parse` shares:
`accord.engine.vulns.dedup`). What the parser read but did not keep goes in the run's `summary`.
New findings are written with one multi-row INSERT per batch rather than through model instances,
which is what makes a million rows fit in two minutes on SQLite.

Two steps, so that a large import does not hold SQLite's write lock (one writer at a time) while it
parses: `stage` reads the file, matches assets, looks findings up and assesses the new ones without
writing anything, into a temporary file; `apply` then writes it all in one transaction, the only time
the write lock is held. Assets nobody registered get a stand-in id while staged and their real one when
applied. A write to the vulnerability or organisation tables between the two (seen in the audit trail)
voids the staging: it is done again, and if that is disturbed too, inside the transaction as before.
Nothing is written before `apply`'s transaction commits: a file refused half-way, or a process killed
at any point, leaves nothing.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import operator
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from accord.core import audit, clock
from accord.core.errors import Problem, ValidationFailed
from accord.core.models import AuditChainHead, AuditEvent
from accord.core.permissions import Actor, require
from accord.engine.vulns import InputFileError, InvalidInput, ScanFinding, read_scan
from accord.engine.vulns.dedup import Repeats, summary
from accord.engine.vulns.notes import ParseNotes
from accord.org import selectors as org_selectors
from accord.org import services as org_services
from accord.org.models import AssetKind, BusinessService, Environment
from accord.vulns import cve_index
from accord.vulns.decisions import Assessor, mission_of
from accord.vulns.fixes import fix_key_of
from accord.vulns.models import OPEN_STATES, Finding, FindingState, ImportRun, cves_text

BATCH = 2000
# Code and component findings (SARIF, CycloneDX, DefectDojo without a host) describe a repository or
# a build, not a running host: the application asset they create is in development until someone
# says where it runs, so it is never priced as production by default (docs/vulnerabilities.md).
CODE_ENVIRONMENT = Environment.DEVELOPMENT
_IN_CHUNK = 900  # ids / fingerprints per IN (...) list


def max_upload_bytes() -> int:
    return int(settings.ACCORD_MAX_UPLOAD_MB) * 1024 * 1024


class _HashingReader(io.RawIOBase):
    """Reads through to `raw`, keeping the SHA-256 and size of what passed."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._raw.read(len(buffer))
        count = len(chunk)
        buffer[:count] = chunk
        self.digest.update(chunk)
        self.size += count
        return count


def _known_size(file: IO[bytes]) -> int | None:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    try:
        return os.fstat(file.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


def refusal(exc: InputFileError, filename: str) -> ValidationFailed:
    message = exc.message + (f" (column {exc.column})" if exc.column is not None else "")
    return ValidationFailed(Problem(field=exc.element or "file", message=message, line=exc.line), source=filename)


def import_scan(*, actor: Actor, file: IO[bytes], filename: str, format: str = "auto", scope: str | None = None,
                application: str | None = None, service: str | None = None,
                on_progress: Callable[[int], None] | None = None) -> ImportRun:
    """Import one scanner file; return its ImportRun with the counts by outcome.

    `scope` names what the scan covers (default: the file name): findings open in that scope and
    absent from the file are marked fixed. `application` names the asset of code and component
    findings (an existing asset of that name, or a new application); `service` names the business
    service of the assets the import discovers. Refused files raise ValidationFailed naming the line
    or element, and change nothing.
    """
    require(actor, "vuln.import")
    service_named = named_service(actor, service)
    limit = max_upload_bytes()
    size = _known_size(file)
    if size is not None and size > limit:
        raise ValidationFailed(Problem(field="file", message=f"the file is {size / 1048576:.1f} MB, over the "
                                       f"{settings.ACCORD_MAX_UPLOAD_MB} MB limit"), source=filename)
    scope_name = (scope if scope is not None else filename).strip()
    if not scope_name or len(scope_name) > 200 or "\x00" in scope_name:
        raise ValidationFailed.field("scope", "must be 1 to 200 characters")

    def attempt() -> _Import:
        importer = _Import(actor=actor, filename=filename, scope=scope_name, business_service=service_named)
        importer.stage(file, format=format, application=application, on_progress=on_progress, limit=limit)
        return importer

    try:
        start = _rewind_point(file)
        for _ in range(STAGING_ATTEMPTS if start is not None else 0):
            importer = attempt()  # no write lock held while the file is read
            with transaction.atomic():
                if not importer.disturbed():
                    return importer.apply()
            importer.discard()
            file.seek(cast(int, start))
        with transaction.atomic():  # staged under the lock: nothing can disturb it, as before staging existed
            return attempt().apply()
    except InputFileError as exc:
        raise refusal(exc, filename) from None


STAGING_ATTEMPTS = 2
# A ScanFinding is staged as its field values and rebuilt by its constructor: pickle's default for a
# slotted dataclass looks its fields up again for every finding, a quarter of the applying time.
_FINDING_VALUES = operator.attrgetter(*(f.name for f in dataclasses.fields(ScanFinding)))
_STAGING_DISPATCH = {**copyreg.dispatch_table, ScanFinding: lambda f: (ScanFinding, _FINDING_VALUES(f))}
# Writes that void a staged import: they change assets, business services (the mission impact),
# findings, feeds, SLA policy or calendars. A new team or person does not.
DISTURBING_OBJECT_TYPES = ("vulns.", "org.asset", "org.businessservice", "clocks.")


def _rewind_point(file: IO[bytes]) -> int | None:
    """Where the file can be read again from, or None when it cannot (a pipe)."""
    try:
        return file.tell() if file.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def named_service(actor: Actor, name: str | None) -> BusinessService | None:
    """The business service named at import (any case), refused when there is none of that name."""
    if name is None or not name.strip():
        return None
    found = org_selectors.services_visible_to(actor).filter(name__iexact=name.strip()).first()
    if found is None:
        raise ValidationFailed.field("service", f"no business service named {name.strip()!r}")
    return found


@dataclass
class _Existing:
    id: int
    state: str
    content_hash: str


@dataclass
class _Staged:
    """One batch as staged: new rows (with the finding when its asset has a stand-in id), the ids of
    findings seen unchanged, and the findings whose details changed."""

    new: list[tuple[list[Any], ScanFinding | None]] = field(default_factory=list)  # INSERT values
    same: list[int] = field(default_factory=list)
    changed: dict[int, tuple[ScanFinding, str]] = field(default_factory=dict)


def _content_hash(f: ScanFinding) -> str:
    parts = (f.title, f.severity.value, ",".join(f.cves), f.cvss3_vector, f.cvss3_score, f.cvss4_vector,
             f.cvss4_score, f.epss, f.vpr, f.exploit_available, f.exploit_evidence, f.port, f.protocol, f.location,
             f.description, f.solution, f.evidence, f.suppressed, f.suppression_justification)
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def _memo(prepare: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`prepare` remembering its answers (a batch repeats the same few dates and the same lists)."""
    answers: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        key = id(value) if isinstance(value, list) else value
        hit = answers.get(key)
        if hit is not None and (hit[0] is value or not isinstance(value, list)):
            return hit[1]
        if len(answers) > 50_000:
            answers.clear()
        answer = prepare(value)
        answers[key] = (value, answer)
        return answer

    return remembered


class _FastInsert:
    """One multi-row INSERT per batch of new findings, values prepared as Django would prepare them."""

    def __init__(self, model: type[models.Model]) -> None:
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        # Table and column names come from the model, the values go as parameters.
        columns = ", ".join(quote(str(f.column)) for f in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.attnames = [f.attname for f in self.fields]
        ops = connection.ops
        prep: list[Callable[[Any], Any] | None] = []
        for f in self.fields:
            if isinstance(f, models.DateTimeField):
                prep.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                prep.append(ops.adapt_datefield_value)
            elif isinstance(f, models.JSONField):
                prep.append(self._json(f))
            else:
                prep.append(None)
        self._getter = operator.itemgetter(*self.attnames)
        self._prepared = [(index, _memo(fn)) for index, fn in enumerate(prep) if fn is not None]

    @staticmethod
    def _json(json_field: models.JSONField) -> Callable[[Any], Any]:
        return lambda value: json_field.get_db_prep_save(value, connection)

    def prepare(self, row: dict[str, Any]) -> list[Any]:
        """The row's values in column order, as the INSERT takes them (done while staging, unlocked)."""
        values = list(self._getter(row))
        for index, prepare in self._prepared:
            if values[index] is not None:
                values[index] = prepare(values[index])
        return values

    def position(self, attname: str) -> int:
        return self.attnames.index(attname)

    def insert(self, params: list[list[Any]]) -> None:
        if not params:
            return
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, params)


class _Import:
    def __init__(self, *, actor: Actor, filename: str, scope: str, business_service: BusinessService | None = None
                 ) -> None:
        self.actor = actor
        self.filename = filename
        self.scope = scope
        self.service = business_service  # named at import: the discovered assets join it
        self.now = timezone.now()
        self.today = clock.day_of(self.now)
        self.assessor = Assessor.current()
        self.by_host: dict[str, int] = {}
        self.by_ip: dict[str, int] = {}
        self.by_short: dict[str, int | None] = {}
        self.mission: dict[int, tuple[str | None, str]] = {}
        assets = org_selectors.assets_visible_to(actor).order_by().values_list(
            "id", "hostname", "ip_address", "business_service__name", "business_service__mission_impact")
        for asset_id, hostname, ip, service, impact in assets:
            self._remember(asset_id, hostname, ip, mission_of(service, impact))
        self.repeats = Repeats()  # the repeat rule `accord vulns parse` shares
        self.notes = ParseNotes()
        self.started_empty = not Finding.objects.exists()
        self.inserter = _FastInsert(Finding)
        self.discovered: dict[str, tuple[int, org_services.DiscoveredHost]] = {}  # by name: stand-in id, host
        self.run_row: ImportRun
        self.staged: IO[bytes]
        self.pickler: pickle.Pickler
        self.seen_seq = 0
        self.started = 0.0

    def _remember(self, asset_id: int, hostname: str, ip: str | None, mission: tuple[str | None, str]) -> None:
        self.by_host[hostname] = asset_id
        if ip:
            self.by_ip.setdefault(ip, asset_id)
        short = hostname.split(".", 1)[0]
        if short != hostname:  # a bare name matches a registered FQDN when only one asset has it
            self.by_short[short] = None if short in self.by_short else asset_id
        self.mission[asset_id] = mission

    # --- the run: staged without writing, then applied in one transaction ------------------------

    def stage(self, file: IO[bytes], *, format: str, application: str | None,
              on_progress: Callable[[int], None] | None, limit: int) -> None:
        """Read the whole file and decide what each finding becomes, writing nothing to the database."""
        self.started = time.perf_counter()
        self.seen_seq = AuditChainHead.objects.values_list("seq", flat=True).get(pk=1)
        if connection.vendor == "sqlite":
            # A bigger page cache for this connection: the fingerprint index is random-access.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MiB
        self.run_row = run = ImportRun(
            filename=self.filename[:255], sha256="", source_format=format, scope=self.scope, actor_id=self.actor.pk,
            started_at=self.now)
        self.staged = tempfile.TemporaryFile(prefix="accord-import-")  # noqa: SIM115 - closed by apply/discard
        self.pickler = pickle.Pickler(self.staged, protocol=pickle.HIGHEST_PROTOCOL)
        self.pickler.dispatch_table = _STAGING_DISPATCH
        reader = _HashingReader(file)
        chosen, findings = read_scan(cast(BinaryIO, io.BufferedReader(reader, buffer_size=256 * 1024)),
                                     source=self.filename, format=format, application=application,
                                     on_progress=on_progress, max_bytes=limit, notes=self.notes)
        run.source_format = chosen.value
        batch: list[ScanFinding] = []
        for finding in findings:
            batch.append(finding)
            if len(batch) >= BATCH:
                self._stage_batch(batch)
                batch = []
        self._stage_batch(batch)
        run.sha256, run.size_bytes = reader.digest.hexdigest(), reader.size

    def disturbed(self) -> bool:
        """Whether anything the staging read has been written since it began (asked under the write lock)."""
        from django.db.models import Q

        touching = Q()
        for prefix in DISTURBING_OBJECT_TYPES:
            touching |= Q(object_type__startswith=prefix)
        return AuditEvent.objects.filter(touching, seq__gt=self.seen_seq).exclude(action__endswith=".exported").exists()

    def discard(self) -> None:
        self.staged.close()

    def apply(self) -> ImportRun:
        """Write what `stage` decided: the run, the discovered assets, then each staged batch. Must run
        inside the transaction; the write lock is held from here to the commit only."""
        run = self.run_row
        run.save()
        real_ids = self._register_assets()
        self.staged.seek(0)
        try:
            while True:
                try:
                    staged = pickle.load(self.staged)  # noqa: S301 - written by _stage_batch above
                except EOFError:
                    break
                self._apply_batch(staged, real_ids)
        finally:
            self.staged.close()
        run.fixed = (Finding.objects.filter(scope=self.scope, state__in=OPEN_STATES).exclude(last_run=run)
                     .update(state=FindingState.FIXED, fixed_at=self.now))
        run.summary = summary(self.notes, self.repeats)
        run.finished_at = timezone.now()
        run.duration_seconds = round(time.perf_counter() - self.started, 3)
        run.save()
        audit.record(self.actor, "scan.imported", run, after={
            "filename": run.filename, "sha256": run.sha256, "format": run.source_format, "scope": run.scope,
            **{name: getattr(run, name) for name in ("findings_read", "new", "unchanged", "updated", "fixed",
                                                      "reopened", "suppressed", "duplicates", "assets_created")},
            "summary": run.summary})
        return run

    def _register_assets(self) -> dict[int, int]:
        """Create the assets staged under stand-in ids; their real ids by stand-in id."""
        if not self.discovered:
            return {}
        created = org_services.register_discovered_assets(
            actor=self.actor, hosts=[host for _, host in self.discovered.values()],
            source=f"scan import {self.filename}")
        self.run_row.assets_created = len(created)
        by_name = {asset.hostname: asset.pk for asset in created}
        return {stand_in: by_name[name] for name, (stand_in, _) in self.discovered.items()}

    def _apply_batch(self, staged: _Staged, real_ids: dict[int, int]) -> None:
        run_id = self.run_row.pk
        asset, fingerprint, first_run, last_run, cves = (self.inserter.position(name) for name in (
            "asset_id", "fingerprint", "first_run_id", "last_run_id", "cves"))
        for values, finding in staged.new:
            if finding is not None:  # on an asset staged under a stand-in id
                values[asset] = real_ids[values[asset]]
                values[fingerprint] = finding.fingerprint(asset_key=str(values[asset]))
            values[first_run] = values[last_run] = run_id
        new_rows = [values for values, _ in staged.new]
        self.inserter.insert(new_rows)
        cve_index.add_for_new((values[fingerprint], values[cves]) for values in new_rows if values[cves])
        for start in range(0, len(staged.same), _IN_CHUNK):
            Finding.objects.filter(pk__in=staged.same[start:start + _IN_CHUNK]).update(
                last_seen=self.now, last_run=self.run_row, scope=self.scope)
        if staged.changed:
            self._apply_changes(staged.changed)

    # --- one batch -----------------------------------------------------------------------------

    def _asset_of(self, f: ScanFinding) -> int | None:
        hostname = f.hostname.strip().lower()
        if hostname:
            found = self.by_host.get(hostname)
            if found is None and "." not in hostname:
                found = self.by_short.get(hostname)
            if found is not None:
                return found
        if f.ip:
            found = self.by_ip.get(f.ip) or self.by_host.get(f.ip)
            if found is not None:
                return found
        if f.application and not hostname:
            return self.by_host.get(f.application.strip().lower())
        return None

    def _new_asset_name(self, f: ScanFinding) -> str:
        return (f.hostname.strip() or f.ip.strip() or f.application.strip()).lower()

    def _discovered(self, name: str, f: ScanFinding) -> org_services.DiscoveredHost:
        """A new asset for a finding nothing matched: a host, or for code and component findings an
        application outside production (CODE_ENVIRONMENT), in the business service named at import."""
        service_id = self.service.pk if self.service else None
        if f.asset_kind == "application":
            return org_services.DiscoveredHost(name, None, AssetKind.APPLICATION, CODE_ENVIRONMENT, service_id)
        return org_services.DiscoveredHost(name, f.ip or None, AssetKind.SERVER, business_service_id=service_id)

    def _resolve_assets(self, batch: list[ScanFinding]) -> list[int]:
        """Each finding's asset id; an asset nobody registered gets a negative stand-in id, its real one
        when the import is applied."""
        unknown: dict[str, org_services.DiscoveredHost] = {}
        for f in batch:  # the whole batch first: a name it discovers does not match the rest of it by short name
            if self._asset_of(f) is None:
                name = self._new_asset_name(f)
                unknown.setdefault(name, self._discovered(name, f))
        mission = mission_of(self.service.name, self.service.mission_impact) if self.service else (None, "")
        for name, host in unknown.items():
            stand_in = -1 - len(self.discovered)
            self.discovered[name] = (stand_in, host)
            self._remember(stand_in, name, host.ip_address, mission)
        resolved = []
        for f in batch:
            found = self._asset_of(f)
            resolved.append(found if found is not None else self.by_host[self._new_asset_name(f)])
        return resolved

    def _stage_batch(self, batch: list[ScanFinding]) -> None:
        if not batch:
            return
        run = self.run_row
        run.findings_read += len(batch)
        if not run.scanner:
            run.scanner = batch[0].scanner
        unique: list[tuple[ScanFinding, int, str]] = []
        for f, asset_id in zip(batch, self._resolve_assets(batch), strict=True):
            fingerprint = f.fingerprint(asset_key=str(asset_id))
            if not self.repeats.is_first(fingerprint, f):
                run.duplicates += 1
                continue
            unique.append((f, asset_id, fingerprint))
        existing = self._existing([fp for _, asset_id, fp in unique if asset_id > 0])
        self.assessor.prefetch_epss({cve for f, _, _ in unique for cve in f.cves})
        staged = _Staged()
        for f, asset_id, fingerprint in unique:
            content = _content_hash(f)
            if f.suppressed:
                run.suppressed += 1
            known = existing.get(fingerprint)
            if known is None:
                row = self.inserter.prepare(self._new_row(f, asset_id, fingerprint, content))
                staged.new.append((row, f if asset_id < 0 else None))
                run.new += 0 if f.suppressed else 1
            elif known.state in OPEN_STATES and known.content_hash == content:
                staged.same.append(known.id)
                run.unchanged += 1
            else:
                staged.changed[known.id] = (f, content)
                if not f.suppressed:
                    if known.state in OPEN_STATES:
                        run.updated += 1
                    else:
                        run.reopened += 1
        self.pickler.dump(staged)
        self.pickler.clear_memo()  # each batch on its own: the memo would keep every row alive

    def _existing(self, fingerprints: list[str]) -> dict[str, _Existing]:
        found: dict[str, _Existing] = {}
        if self.started_empty:
            return found  # the first import into an empty table: everything is new
        table = connection.ops.quote_name(Finding._meta.db_table)
        with connection.cursor() as cursor:
            for part in chunks(fingerprints):
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(f"SELECT fingerprint, id, state, content_hash FROM {table} "  # noqa: S608
                               f"WHERE fingerprint IN ({marks})", part)
                for fingerprint, pk, state, content in cursor.fetchall():
                    found[fingerprint] = _Existing(pk, state, content)
        return found

    def _details(self, f: ScanFinding, content: str) -> dict[str, Any]:
        """The fields that come from the scanner (set on new findings, refreshed on known ones)."""
        return {
            # read_scan refused every value longer than its column (engine.vulns.validate.MAX_LENGTHS)
            "source_format": f.source_format, "scanner": f.scanner, "rule_id": f.rule_id,
            "title": f.title, "severity": f.severity.value, "cves": cves_text(f.cves),
            "cvss3_vector": f.cvss3_vector, "cvss3_score": f.cvss3_score,
            "cvss4_vector": f.cvss4_vector, "cvss4_score": f.cvss4_score, "vpr": f.vpr,
            "scanner_epss": f.epss, "exploit_available": f.exploit_available,
            "exploit_evidence": f.exploit_evidence, "port": f.port, "protocol": f.protocol,
            "location": f.location, "description": f.description, "solution": f.solution,
            "evidence": f.evidence, "content_hash": content,
            "fix_key": fix_key_of(f.solution, f.rule_id, f.title),
            "suppression_justification": f.suppression_justification if f.suppressed else "",
        }

    def _assess(self, f: ScanFinding, asset_id: int) -> Any:
        mission, source = self.mission.get(asset_id, (None, ""))
        try:
            return self.assessor.assess(f, mission, source)
        except InvalidInput as exc:
            where = f.origin or "a finding"
            raise ValidationFailed(Problem(field=where, message=f"{exc.path}: {exc.message}"),
                                   source=self.filename) from None

    def _new_row(self, f: ScanFinding, asset_id: int, fingerprint: str, content: str) -> dict[str, Any]:
        assessment = self._assess(f, asset_id)
        first_seen = f.first_seen if f.first_seen and f.first_seen <= self.now else self.now
        start = clock.day_of(first_seen)
        due = self.assessor.due(assessment.decision, clock_start=start, opened_on=start,
                                kev_added=assessment.kev_date_added, kev_due=assessment.kev_due_date)
        return {
            **self._details(f, content),
            "asset_id": asset_id, "fingerprint": fingerprint,
            "state": FindingState.SUPPRESSED.value if f.suppressed else FindingState.OPEN.value,
            "scope": self.scope, "first_seen": first_seen, "last_seen": self.now, "fixed_at": None,
            "first_run_id": None, "last_run_id": None,  # the run's id, once applied
            **_enrichment(assessment),
            "computed_decision": assessment.decision, "decision": assessment.decision,
            "override_decision": "", "override_justification": "", "override_by_id": None, "override_at": None,
            "opened_on": start, "sla_start": start, "due_date": due.due, "due_rule": due.rule.value,
            "due_reason": due.reason, "due_not_after": None, "accepted_until": None,
        }

    def _apply_changes(self, changed: dict[int, tuple[ScanFinding, str]]) -> None:
        rows = Finding.objects.in_bulk(list(changed))
        cves_before = {pk: row.cves for pk, row in rows.items()}
        updated: list[Finding] = []
        for pk, (f, content) in changed.items():
            row = rows[pk]
            was_open = row.state in OPEN_STATES
            for name, value in self._details(f, content).items():
                setattr(row, name, value)
            row.last_seen, row.last_run_id, row.scope = self.now, self.run_row.pk, self.scope
            if f.suppressed:
                row.state = FindingState.SUPPRESSED
            elif not was_open:
                row.state, row.fixed_at = FindingState.REOPENED, None
            assessment = self._assess(f, row.asset_id)
            redecide(row, assessment, self.assessor, self.today, reopened=not was_open and not f.suppressed)
            updated.append(row)
        Finding.objects.bulk_update(updated, fields=[*CHANGE_FIELDS], batch_size=200)
        cve_index.replace((row.pk, cves_before[row.pk], row.cves) for row in updated if row.cves != cves_before[row.pk])


def _enrichment(assessment: Any) -> dict[str, Any]:
    return {"cvss_score": assessment.cvss_score, "kev": assessment.kev,
            "kev_date_added": assessment.kev_date_added, "kev_due_date": assessment.kev_due_date,
            "epss": assessment.epss, "epss_cve": assessment.epss_cve, "decision_points": assessment.points}


DECISION_FIELDS = ("cvss_score", "kev", "kev_date_added", "kev_due_date", "epss", "epss_cve", "decision_points",
                   "computed_decision", "decision", "opened_on", "sla_start", "due_date", "due_rule", "due_reason",
                   "due_not_after")
CHANGE_FIELDS = (
    "source_format", "scanner", "rule_id", "title", "severity", "cves", "cvss3_vector", "cvss3_score",
    "cvss4_vector", "cvss4_score", "vpr", "scanner_epss", "exploit_available", "exploit_evidence", "port",
    "protocol", "location", "description", "solution", "evidence", "content_hash", "fix_key",
    "suppression_justification",
    "state", "fixed_at", "last_seen", "last_run", "scope", *DECISION_FIELDS,
)


def redecide(row: Finding, assessment: Any, assessor: Assessor, today: date, *, reopened: bool = False) -> bool:
    """Store a new assessment on a finding; its due date follows (`Assessor.set_decision`). True if it changed."""
    before = (row.decision, row.due_date, row.due_reason, row.kev, row.epss, row.decision_points)
    for name, value in _enrichment(assessment).items():
        setattr(row, name, value)
    row.computed_decision = assessment.decision
    assessor.set_decision(row, row.override_decision or assessment.decision, today, reopened=reopened)
    return before != (row.decision, row.due_date, row.due_reason, row.kev, row.epss, row.decision_points)


def chunks(items: list[Any], size: int = _IN_CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]

"""Read and validate a planner instance (the JSON file of `accord patch plan`).

Everything wrong is refused with the path of the bad field, e.g. `jobs[2].asset: unknown asset
'x'`; nothing is half-read. Windows may carry an `rrule` (RFC 5545) to recur: each occurrence
inside the horizon becomes a window with the id `<id>@<start as YYYY-MM-DDTHH:MM>`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from accord.engine.patching.errors import InvalidInstance
from accord.engine.patching.model import DECISIONS, Asset, Cluster, Freeze, Instance, Job, Window
from accord.engine.patching.recurrence import expand_rrule

MAX_WINDOW_MINUTES = 1440

_TOP = {
    "start",
    "horizon_days",
    "windows",
    "freezes",
    "clusters",
    "assets",
    "jobs",
    "breach_penalty",
    "disruption_budget",
    "currency",
}
_WINDOW = {"id", "start", "minutes", "max_changes", "groups", "rrule"}
_FREEZE = {"id", "start", "end"}
_CLUSTER = {"id", "max_down"}
_ASSET = {"id", "group", "cluster", "reboot_minutes", "downtime_cost_per_hour"}
_JOB = {"id", "asset", "minutes", "reboot", "risk_per_day", "due", "kev", "decision", "loss_cap"}


class _Record:
    """One JSON object under a path, with typed getters that raise InvalidInstance."""

    def __init__(self, raw: object, path: str, allowed: set[str]) -> None:
        if not isinstance(raw, Mapping):
            raise InvalidInstance(path or "instance", "must be an object")
        for key in raw:
            if key not in allowed:
                raise InvalidInstance(self._join(path, str(key)), "unknown field")
        self.raw = raw
        self.path = path

    @staticmethod
    def _join(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def where(self, key: str) -> str:
        return self._join(self.path, key)

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def get(self, key: str) -> Any:
        if key not in self.raw or self.raw[key] is None:
            raise InvalidInstance(self.where(key), "required")
        return self.raw[key]

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InvalidInstance(self.where(key), "must be a non-empty string")
        return value

    def number(self, key: str, *, minimum: float = 0.0, positive: bool = False) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInstance(self.where(key), "must be a number")
        if positive and value <= 0:
            raise InvalidInstance(self.where(key), "must be > 0")
        if value < minimum:
            raise InvalidInstance(self.where(key), f"must be >= {minimum:g}")
        return float(value)

    def integer(self, key: str, *, minimum: int = 0) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInstance(self.where(key), "must be an integer")
        if value < minimum:
            raise InvalidInstance(self.where(key), f"must be >= {minimum}")
        return value

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise InvalidInstance(self.where(key), "must be true or false")
        return value

    def timestamp(self, key: str) -> datetime:
        value = self.get(key)
        if not isinstance(value, str):
            raise InvalidInstance(self.where(key), "must be an ISO 8601 timestamp string")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInstance(self.where(key), f"not an ISO 8601 timestamp: {value!r}") from None
        if parsed.tzinfo is None:
            raise InvalidInstance(self.where(key), "timestamp needs a time zone (e.g. 'Z')")
        return parsed

    def items(self, key: str, *, required: bool = True) -> list[tuple[str, object]]:
        if not required and not self.has(key):
            return []
        value = self.get(key)
        if not isinstance(value, list):
            raise InvalidInstance(self.where(key), "must be a list")
        return [(f"{self.where(key)}[{i}]", item) for i, item in enumerate(value)]


def _unique(seen: set[str], path: str, value: str, kind: str) -> None:
    if value in seen:
        raise InvalidInstance(path, f"duplicate {kind} id {value!r}")
    seen.add(value)


def _windows(top: _Record, start: datetime, end: datetime) -> list[Window]:
    windows: list[Window] = []
    seen: set[str] = set()
    for path, raw in top.items("windows"):
        rec = _Record(raw, path, _WINDOW)
        window_id = rec.text("id")
        _unique(seen, rec.where("id"), window_id, "window")
        first = rec.timestamp("start")
        minutes = rec.number("minutes", positive=True)
        if minutes > MAX_WINDOW_MINUTES:
            raise InvalidInstance(
                rec.where("minutes"), f"a window is at most a day ({MAX_WINDOW_MINUTES} minutes)"
            )
        max_changes = rec.integer("max_changes") if rec.has("max_changes") else None
        groups: list[str] = []
        for group_path, group in rec.items("groups"):
            if not isinstance(group, str) or not group.strip():
                raise InvalidInstance(group_path, "must be a non-empty string")
            groups.append(group)
        if not groups:
            raise InvalidInstance(rec.where("groups"), "must name at least one group")
        starts = [first]
        if rec.has("rrule"):
            rule = rec.text("rrule")
            try:
                starts = expand_rrule(rule, first, start, end)
            except ValueError as exc:
                raise InvalidInstance(rec.where("rrule"), f"bad recurrence rule: {exc}") from None
        for occurrence in starts:
            occurrence_id = window_id if not rec.has("rrule") else f"{window_id}@{occurrence:%Y-%m-%dT%H:%M}"
            if occurrence_id != window_id:
                _unique(seen, rec.where("rrule"), occurrence_id, "window")
            windows.append(
                Window(occurrence_id, occurrence, minutes, tuple(dict.fromkeys(groups)), max_changes)
            )
    return windows


def _freezes(top: _Record) -> list[Freeze]:
    freezes: list[Freeze] = []
    for path, raw in top.items("freezes", required=False):
        rec = _Record(raw, path, _FREEZE)
        begin, finish = rec.timestamp("start"), rec.timestamp("end")
        if finish <= begin:
            raise InvalidInstance(rec.where("end"), "must be after start")
        freezes.append(Freeze(begin, finish, rec.text("id") if rec.has("id") else None))
    return freezes


def _clusters(top: _Record) -> list[Cluster]:
    clusters: list[Cluster] = []
    seen: set[str] = set()
    for path, raw in top.items("clusters", required=False):
        rec = _Record(raw, path, _CLUSTER)
        cluster_id = rec.text("id")
        _unique(seen, rec.where("id"), cluster_id, "cluster")
        clusters.append(Cluster(cluster_id, rec.integer("max_down")))
    return clusters


def _assets(top: _Record, cluster_ids: set[str]) -> list[Asset]:
    assets: list[Asset] = []
    seen: set[str] = set()
    for path, raw in top.items("assets"):
        rec = _Record(raw, path, _ASSET)
        asset_id = rec.text("id")
        _unique(seen, rec.where("id"), asset_id, "asset")
        cluster = rec.text("cluster") if rec.has("cluster") else None
        if cluster is not None and cluster not in cluster_ids:
            raise InvalidInstance(rec.where("cluster"), f"unknown cluster {cluster!r}")
        assets.append(
            Asset(
                id=asset_id,
                group=rec.text("group"),
                reboot_minutes=rec.number("reboot_minutes"),
                downtime_cost_per_hour=rec.number("downtime_cost_per_hour"),
                cluster=cluster,
            )
        )
    return assets


def _jobs(top: _Record, asset_ids: set[str]) -> list[Job]:
    jobs: list[Job] = []
    seen: set[str] = set()
    for path, raw in top.items("jobs"):
        rec = _Record(raw, path, _JOB)
        job_id = rec.text("id")
        _unique(seen, rec.where("id"), job_id, "job")
        asset = rec.text("asset")
        if asset not in asset_ids:
            raise InvalidInstance(rec.where("asset"), f"unknown asset {asset!r}")
        decision = rec.text("decision") if rec.has("decision") else None
        if decision is not None and decision not in DECISIONS:
            raise InvalidInstance(rec.where("decision"), f"must be one of {', '.join(DECISIONS)}")
        jobs.append(
            Job(
                id=job_id,
                asset=asset,
                minutes=rec.number("minutes"),
                reboot=rec.flag("reboot"),
                risk_per_day=rec.number("risk_per_day"),
                due=rec.timestamp("due") if rec.has("due") else None,
                kev=rec.flag("kev") if rec.has("kev") else False,
                decision=decision,
                loss_cap=rec.number("loss_cap") if rec.has("loss_cap") else None,
            )
        )
    return jobs


def parse_instance(raw: object) -> Instance:
    """Build an Instance from decoded JSON, or raise InvalidInstance naming the bad field."""
    top = _Record(raw, "", _TOP)
    start = top.timestamp("start")
    horizon_days = top.number("horizon_days", positive=True)
    instance_end = start + timedelta(days=horizon_days)
    clusters = _clusters(top)
    assets = _assets(top, {c.id for c in clusters})
    return Instance(
        start=start,
        horizon_days=horizon_days,
        windows=tuple(_windows(top, start, instance_end)),
        freezes=tuple(_freezes(top)),
        clusters=tuple(clusters),
        assets=tuple(assets),
        jobs=tuple(_jobs(top, {a.id for a in assets})),
        breach_penalty=top.number("breach_penalty") if top.has("breach_penalty") else None,
        disruption_budget=top.number("disruption_budget") if top.has("disruption_budget") else None,
        currency=_currency(top),
    )


def _currency(top: _Record) -> str:
    if not top.has("currency"):
        return ""
    code = top.text("currency").strip().upper()
    if not (3 <= len(code) <= 8 and code.isalnum()):
        raise InvalidInstance("currency", "must be a currency code such as EUR or USD")
    return code


def load_instance(path: Path, *, max_bytes: int = 200 * 1024 * 1024) -> Instance:
    """Read a JSON instance file; a file that is not JSON is refused like any other bad field."""
    if path.stat().st_size > max_bytes:
        raise InvalidInstance(str(path), f"file larger than {max_bytes} bytes")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInstance(str(path), f"not a JSON document: {exc}") from None
    return parse_instance(raw)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def instance_to_json(instance: Instance) -> dict[str, object]:
    """The inverse of parse_instance (recurring windows come out expanded)."""
    out: dict[str, object] = {
        "start": _iso(instance.start),
        "horizon_days": instance.horizon_days,
        "windows": [
            {
                "id": w.id,
                "start": _iso(w.start),
                "minutes": w.minutes,
                "max_changes": w.max_changes,
                "groups": list(w.groups),
            }
            for w in instance.windows
        ],
        "freezes": [{"id": f.id, "start": _iso(f.start), "end": _iso(f.end)} for f in instance.freezes],
        "clusters": [{"id": c.id, "max_down": c.max_down} for c in instance.clusters],
        "assets": [
            {
                "id": a.id,
                "group": a.group,
                "cluster": a.cluster,
                "reboot_minutes": a.reboot_minutes,
                "downtime_cost_per_hour": a.downtime_cost_per_hour,
            }
            for a in instance.assets
        ],
        "jobs": [
            {
                "id": j.id,
                "asset": j.asset,
                "minutes": j.minutes,
                "reboot": j.reboot,
                "risk_per_day": j.risk_per_day,
                "due": None if j.due is None else _iso(j.due),
                "kev": j.kev,
                "decision": j.decision,
                **({} if j.loss_cap is None else {"loss_cap": j.loss_cap}),
            }
            for j in instance.jobs
        ],
    }
    if instance.breach_penalty is not None:
        out["breach_penalty"] = instance.breach_penalty
    if instance.disruption_budget is not None:
        out["disruption_budget"] = instance.disruption_budget
    if instance.currency:
        out["currency"] = instance.currency
    return out

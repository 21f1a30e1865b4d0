"""Posture (NIST CSF 2.0) API."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["posture"])

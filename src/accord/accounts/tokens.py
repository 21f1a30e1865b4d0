"""Personal API tokens: high-entropy random strings, identified by their SHA-256 digest.

A token has 256 bits of randomness, so a fast hash is enough (no salt or stretching needed) and
lets a request find its token by an indexed digest lookup.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "acc_"  # noqa: S105 - a marker that makes leaked tokens easy to recognise, not a secret


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def display_prefix(token: str) -> str:
    return token[: len(TOKEN_PREFIX) + 6]

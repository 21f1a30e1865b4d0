"""The second factor: a TOTP authenticator app (django-otp's TOTPDevice, which refuses a code used
before and slows guessing down: 1, 2, 4, 8… seconds after each wrong code) and ten single-use
recovery codes, stored hashed. Every enrolment, disable, reset, recovery-code use and failure leaves
an audit row; a failure's row commits even though the attempt is refused.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from base64 import b32encode
from binascii import unhexlify

from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accord.accounts.models import RecoveryCode, User
from accord.core import audit
from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, require
from accord.org import selectors as org_selectors

RECOVERY_CODE_COUNT = 10
# 31 letters and digits without the look-alikes (0/o, 1/l/i): ten of them are about 50 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_CODE = re.compile(r"^\d{6}$")
SECRET_HEX = re.compile(r"^[0-9a-f]{40}$")
# How this session was signed in: "totp" (password and code), "sso" (the provider vouched, with its
# own second factor), absent for a password alone, which the enrolment requirement then checks.
SIGNED_IN_WITH = "accord_signed_in_with"


def has_second_factor(user: Actor) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def enrolment_required(user: User) -> bool:
    """The organisation requires a second factor of one of the user's roles and they have none yet."""
    required = org_selectors.second_factor_roles()
    return bool(required & user.role_names) and not has_second_factor(user)


def unused_recovery_codes(user: Actor) -> int:
    return RecoveryCode.objects.filter(user_id=user.pk, used_at__isnull=True).count()


def new_secret() -> str:
    """A fresh TOTP key (160 bits, hexadecimal as django-otp stores it), kept by the page until confirmed."""
    return random_hex(20)


def secret_for_typing(secret: str) -> str:
    """The key as the base32 text an authenticator app accepts by hand, in groups of four."""
    text = b32encode(unhexlify(secret)).decode()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI the QR code carries (issuer Accord, label the username)."""
    return str(TOTPDevice(user=user, key=secret).config_url)


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _digest(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _new_recovery_codes(user: Actor) -> list[str]:
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user_id=user.pk).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user_id=user.pk, digest=_digest(c)) for c in codes])
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def _record_failure(user: User, *, step: str, reason: str, address: str = "") -> None:
    """Audit a refused code in its own transaction, so the row stays when the caller is refused."""
    with transaction.atomic():
        audit.record(user, "auth.second_factor_failed", user, after={"step": step, "reason": reason,
                                                                     "address": address})


def confirm_enrolment(*, actor: User, secret: str, code: str) -> list[str]:
    """Enrol the authenticator app holding `secret` once it shows a right `code`. Returns the ten
    recovery codes, in clear this once; only their hashes are kept."""
    if not SECRET_HEX.match(secret or ""):
        raise ValidationFailed.field("secret", "the enrolment expired; start again")
    if has_second_factor(actor):
        raise ValidationFailed.field("code", "you already have a second factor; disable it first")
    cleaned = _clean(code)
    totp = TOTP(unhexlify(secret))
    totp.time = time.time()
    if not TOTP_CODE.match(cleaned) or not totp.verify(int(cleaned), tolerance=1):
        _record_failure(actor, step="enrolment", reason="wrong code")
        raise ValidationFailed.field("code", "that is not the code the app shows now; check the phone's clock "
                                             "and type the current six digits")
    with transaction.atomic():
        # last_t: the code just typed cannot be replayed at the next sign-in; drift: the phone's clock.
        device = TOTPDevice.objects.create(user=actor, name="authenticator app", key=secret, confirmed=True,
                                           last_t=totp.t(), drift=totp.drift)
        codes = _new_recovery_codes(actor)
        audit.record(actor, "two_factor.enrolled", actor, after={"device": device.pk, "method": "totp",
                                                                 "recovery_codes": len(codes)})
    return codes


def verify_second_factor(*, user: User, code: str, address: str = "") -> str:
    """Check a code from the app (six digits) or a recovery code (used up by this). Returns "totp" or
    "recovery"; raises ValidationFailed on the field `code` otherwise. Wrong codes slow the next try
    down, recovery codes included, and two requests cannot both spend one code: the device row is
    locked while it is checked."""
    problem = ""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
        if device is None:
            raise ValidationFailed.field("code", "you have no second factor")
        allowed, info = device.verify_is_allowed()
        cleaned, method = _clean(code), "totp" if TOTP_CODE.match(_clean(code)) else "recovery"
        if not allowed:
            wait = max(1, round(((info or {})["locked_until"] - timezone.now()).total_seconds()))
            problem = f"too many wrong codes: wait {wait} seconds and try again"
            audit.record(user, "auth.second_factor_failed", user, after={"step": "sign-in", "reason": "throttled",
                                                                         "address": address})
        elif method == "totp":
            if device.verify_token(cleaned):
                audit.record(user, "auth.second_factor_passed", user, after={"method": "totp", "address": address})
                return "totp"
            problem = "wrong code"
        else:
            spent = RecoveryCode.objects.filter(user_id=user.pk, digest=_digest(cleaned),
                                                used_at__isnull=True).update(used_at=timezone.now())
            if spent:
                device.throttle_reset()
                audit.record(user, "two_factor.recovery_code_used", user,
                             after={"address": address, "left": unused_recovery_codes(user)})
                return "recovery"
            device.throttle_increment()
            problem = "wrong code"
        if problem == "wrong code":
            audit.record(user, "auth.second_factor_failed", user,
                         after={"step": "sign-in", "reason": f"wrong {method} code", "address": address})
    raise ValidationFailed.field("code", problem)


def disable_second_factor(*, actor: User, code: str) -> None:
    """Remove one's own second factor, proven with a current code or a recovery code."""
    verify_second_factor(user=actor, code=code)
    with transaction.atomic():
        _remove(actor)
        audit.record(actor, "two_factor.disabled", actor, after={"by": "the user, with a code"})


@transaction.atomic
def reset_second_factor(*, actor: Actor, user: User) -> None:
    """An administrator removes someone's lost second factor (phone and recovery codes gone); they
    enrol again at their next sign-in when their role requires one. Never one's own: that takes a code."""
    require(actor, "user.manage")
    if user.pk == actor.pk:
        raise ValidationFailed.field("username", "to remove your own second factor, disable it with a code")
    if not has_second_factor(user):
        raise ValidationFailed.field("username", f"{user.username} has no second factor")
    _remove(user)
    audit.record(actor, "two_factor.reset", user, after={"by": "an administrator"})


def _remove(user: Actor) -> None:
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    RecoveryCode.objects.filter(user_id=user.pk).delete()

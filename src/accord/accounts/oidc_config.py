"""Single sign-on configuration, read from ACCORD_OIDC_* environment variables by settings.py.

Plain Python: settings import it before Django is set up, and without ACCORD_OIDC_ISSUER it returns
None at once, so an Accord without single sign-on imports nothing of the OpenID client library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


class OidcConfigError(ValueError):
    """A wrong ACCORD_OIDC_* variable, named in the message."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    # group name at the provider -> Accord roles it gives
    role_map: dict[str, tuple[str, ...]]
    name: str = "single sign-on"
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    groups_claim: str = "groups"
    username_claim: str = "preferred_username"
    create_users: bool = True
    sign_algo: str = "RS256"
    # Explicit endpoints win over the issuer's discovery document (/.well-known/openid-configuration).
    endpoints: dict[str, str] = field(default_factory=dict)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"

    def roles_for(self, groups: list[str]) -> list[str]:
        """The Accord roles the provider's groups map to, sorted, without repeats."""
        return sorted({role for group in groups for role in self.role_map.get(group, ())})


ENDPOINT_VARIABLES = {
    "authorization_endpoint": "ACCORD_OIDC_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "ACCORD_OIDC_TOKEN_ENDPOINT",
    "userinfo_endpoint": "ACCORD_OIDC_USERINFO_ENDPOINT",
    "jwks_uri": "ACCORD_OIDC_JWKS_URI",
}


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise OidcConfigError(f"{name}: {value!r} is neither true nor false")


def parse_role_map(text: str, *, known_roles: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """"group=role,group=role" (a group may appear several times to give several roles)."""
    mapping: dict[str, set[str]] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        group, equals, role = (s.strip() for s in item.rpartition("="))
        if not equals or not group or not role:
            raise OidcConfigError(f"ACCORD_OIDC_ROLE_MAP: {item!r} is not group=role")
        if role not in known_roles:
            raise OidcConfigError(f"ACCORD_OIDC_ROLE_MAP: {role!r} is not a role; choose from "
                                  f"{', '.join(sorted(known_roles))}")
        mapping.setdefault(group, set()).add(role)
    if not mapping:
        raise OidcConfigError("ACCORD_OIDC_ROLE_MAP is empty: map at least one group to a role, "
                              "e.g. accord-ciso=ciso")
    return {group: tuple(sorted(roles)) for group, roles in mapping.items()}


def oidc_config_from_env(env: Mapping[str, str]) -> OidcConfig | None:
    """The configuration, or None when ACCORD_OIDC_ISSUER is unset (no single sign-on)."""
    issuer = env.get("ACCORD_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    from accord.core.permissions import Role  # only when single sign-on is on

    if not issuer.startswith(("https://", "http://")):
        raise OidcConfigError(f"ACCORD_OIDC_ISSUER: {issuer!r} is not an http(s) URL")
    missing = [n for n in ("ACCORD_OIDC_CLIENT_ID", "ACCORD_OIDC_CLIENT_SECRET", "ACCORD_OIDC_ROLE_MAP")
               if not env.get(n, "").strip()]
    if missing:
        raise OidcConfigError(f"single sign-on needs {', '.join(missing)} (ACCORD_OIDC_ISSUER is set)")
    scopes = tuple(env.get("ACCORD_OIDC_SCOPES", "openid email profile").replace(",", " ").split())
    if "openid" not in scopes:
        raise OidcConfigError("ACCORD_OIDC_SCOPES must include openid")
    return OidcConfig(
        issuer=issuer.rstrip("/"),
        client_id=env["ACCORD_OIDC_CLIENT_ID"].strip(),
        client_secret=env["ACCORD_OIDC_CLIENT_SECRET"].strip(),
        role_map=parse_role_map(env["ACCORD_OIDC_ROLE_MAP"], known_roles=frozenset(Role.values)),
        name=env.get("ACCORD_OIDC_NAME", "").strip() or "single sign-on",
        scopes=scopes,
        groups_claim=env.get("ACCORD_OIDC_GROUPS_CLAIM", "").strip() or "groups",
        username_claim=env.get("ACCORD_OIDC_USERNAME_CLAIM", "").strip() or "preferred_username",
        create_users=_flag(env, "ACCORD_OIDC_CREATE_USERS", True),
        sign_algo=env.get("ACCORD_OIDC_SIGN_ALGO", "").strip() or "RS256",
        endpoints={key: env[name].strip() for key, name in ENDPOINT_VARIABLES.items() if env.get(name, "").strip()},
    )

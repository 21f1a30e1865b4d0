"""accord user ... / accord token ... / accord login: accounts from the command line."""

from __future__ import annotations

import getpass
import os
import secrets
from typing import Any

import typer

from accord.cli import two_factor
from accord.cli.context import acting_user, django_ready, fail, new_table, out, token_file, user_errors

user_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens (for the API and this command line).", no_args_is_help=True)

TokenOption = typer.Option(None, "--token", help="Act with this personal token (default: ACCORD_TOKEN or `accord login`).")


# The address the sign-in throttle counts command-line attempts under (docs/sign-in.md).
CLI_ADDRESS = "cli"


def _new_password(password: str | None, generate: bool, *, prompt: str = "Password for the new user: ") -> str:
    if generate:
        return secrets.token_urlsafe(12)
    if password:
        return password
    if os.environ.get("ACCORD_NEW_PASSWORD"):
        return os.environ["ACCORD_NEW_PASSWORD"]
    first = getpass.getpass(prompt)
    if first != getpass.getpass("Again: "):
        fail("the two passwords differ")
    return first


@user_app.command("create")
def create_user(
    username: str = typer.Argument(..., help="Login name."),
    role: list[str] = typer.Option(..., "--role", "-r", help="Role (repeat for several): ciso, cio, security_analyst, "
                                   "it_operations, project_owner, steering_member, board_viewer, auditor, admin."),
    email: str = typer.Option("", help="Email address."),
    name: str = typer.Option("", "--name", help="Display name."),
    password: str | None = typer.Option(None, help="Password (default: ACCORD_NEW_PASSWORD, or asked)."),
    generate_password: bool = typer.Option(False, "--generate-password", help="Generate a password and print it."),
    token: str | None = TokenOption,
) -> None:
    """Create a user. With no administrator yet, the first `--role admin` user bootstraps Accord."""
    django_ready()
    from accord.accounts import services
    from accord.accounts.models import UserRole
    from accord.core.permissions import Role

    secret = _new_password(password, generate_password)
    with user_errors():
        no_admin = not UserRole.objects.filter(role=Role.ADMIN, user__is_active=True).exists()
        if no_admin and role == ["admin"]:
            user = services.bootstrap_admin(username=username, password=secret, email=email)
        else:
            user = services.create_user(actor=acting_user(token), username=username, password=secret, roles=role,
                                        email=email, display_name=name)
    out.print(f"[green]✔[/] created {user.username} with roles {', '.join(sorted(user.role_names))}")
    if generate_password:
        out.print(f"password: [bold]{secret}[/]")


@user_app.command("list")
def list_users(token: str | None = TokenOption) -> None:
    """List users, their roles and whether they are active."""
    django_ready()
    from accord.accounts import selectors

    with user_errors():
        users = list(selectors.users_visible_to(acting_user(token)))
    table = new_table("username", "name", "email", "roles", "active")
    for u in users:
        table.add_row(u.username, u.display_name, u.email, ", ".join(sorted(r.role for r in u.roles.all())),
                      "yes" if u.is_active else "[red]no[/]")
    out.print(table)


@user_app.command("disable")
def disable_user(username: str, token: str | None = TokenOption) -> None:
    """Disable a user and revoke their tokens (the audit trail keeps their history)."""
    django_ready()
    from accord.accounts import selectors, services

    with user_errors():
        actor = acting_user(token)
        services.disable_user(actor=actor, user=selectors.user_by_username(actor, username))
    out.print(f"[green]✔[/] {username} disabled; their tokens are revoked")


@token_app.command("create")
def create_token(
    name: str = typer.Option(..., help="What the token is for, e.g. 'laptop CLI'."),
    expires_in_days: int | None = typer.Option(None, help="Days until it expires (default: never)."),
    username: str | None = typer.Option(None, help="Sign in as this user with a password instead of a token."),
    token: str | None = TokenOption,
) -> None:
    """Create a personal token for yourself; it is printed once, Accord keeps only its hash."""
    django_ready()
    from accord.accounts import services

    with user_errors():
        actor = _password_user(username) if username else acting_user(token)
        issued = services.create_token(actor=actor, name=name, expires_in_days=expires_in_days)
    out.print(f"[green]✔[/] token {issued.token.name!r} for {actor.username} (shown once):")
    out.print(issued.secret, highlight=False, soft_wrap=True)


@token_app.command("list")
def list_tokens(token: str | None = TokenOption) -> None:
    """Your tokens: name, prefix, dates."""
    django_ready()
    from accord.accounts import selectors

    table = new_table("id", "name", "prefix", "created", "expires", "last used", "revoked")
    for t in selectors.tokens_of(acting_user(token)):
        table.add_row(str(t.pk), t.name, t.prefix + "…", f"{t.created_at:%Y-%m-%d}",
                      f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "never",
                      f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "—",
                      f"{t.revoked_at:%Y-%m-%d}" if t.revoked_at else "")
    out.print(table)


@token_app.command("revoke")
def revoke_token(token_id: int = typer.Argument(..., help="The token's id (see `accord token list`)."),
                 token: str | None = TokenOption) -> None:
    """Revoke a token: it stops working at once."""
    django_ready()
    from accord.accounts import selectors, services

    with user_errors():
        actor = acting_user(token)
        revoked = services.revoke_token(actor=actor, token=selectors.token_of(actor, token_id))
    out.print(f"[green]✔[/] token {revoked.name!r} ({revoked.prefix}…) revoked")


@user_app.command("passwd")
def change_password(token: str | None = TokenOption) -> None:
    """Change your own password: asks for the current one (or ACCORD_PASSWORD) and the new one twice
    (or ACCORD_NEW_PASSWORD). Your other web sessions end; tokens keep working."""
    django_ready()
    from accord.accounts import services

    actor = acting_user(token)
    current = os.environ.get("ACCORD_PASSWORD") or getpass.getpass(f"Current password of {actor.username}: ")
    new = _new_password(None, False, prompt="New password: ")
    with user_errors():
        try:
            services.change_password(actor=actor, old_password=current, new_password=new, address=CLI_ADDRESS)
        except services.LoginThrottled as exc:
            fail(str(exc), code=3)
    out.print(f"[green]✔[/] password of {actor.username} changed")


def _password_user(username: str, code: str | None = None) -> Any:
    """Sign in as on the web: behind the same throttle, each attempt audited."""
    from accord.accounts import services

    password = os.environ.get("ACCORD_PASSWORD") or getpass.getpass(f"Password for {username}: ")
    try:
        user = services.sign_in(username=username, password=password, address=CLI_ADDRESS)
    except services.LoginThrottled as exc:
        fail(str(exc), code=3)
    if user is None:
        fail("wrong username or password", code=3)
    two_factor.check_second_factor(user, code, address=CLI_ADDRESS)  # docs/sign-in.md, "Second factor"
    return user


def login(username: str = typer.Argument(..., help="Your Accord username."),
          code: str | None = two_factor.CodeOption) -> None:
    """Sign in with your password and save a personal token for this command line."""
    django_ready()
    from accord.accounts import services

    with user_errors():
        issued = services.create_token(actor=_password_user(username, code), name="command line (accord login)")
    path = token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(issued.secret + "\n", encoding="utf-8")
    out.print(f"[green]✔[/] signed in as {username}; token saved to {path}")

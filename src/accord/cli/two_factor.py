"""accord two-factor ...: the roles that must have a second factor, and resetting a lost one; and the
code step of `accord login`."""

from __future__ import annotations

import os
from typing import Any

import typer

from accord.cli.context import acting_user, django_ready, fail, out, user_errors

app = typer.Typer(help="The second factor: the roles that must have one, and resetting a lost one.",
                  no_args_is_help=True)
TokenOption = typer.Option(None, "--token", help="Act with this personal token (default: ACCORD_TOKEN or `accord login`).")
CodeOption = typer.Option(None, "--code", help="The code from your authenticator app, or a recovery code "
                          "(default: ACCORD_TOTP_CODE, or asked when you have a second factor).")


def check_second_factor(user: Any, code: str | None, *, address: str) -> None:
    """After the right password on the command line: the code when the user has a second factor (asked
    for when not given); a refusal when their role requires one they have not enrolled."""
    from accord.accounts import two_factor
    from accord.core.errors import ValidationFailed

    if two_factor.has_second_factor(user):
        code = code or os.environ.get("ACCORD_TOTP_CODE") or typer.prompt(
            "Code from your authenticator app (or a recovery code)", hide_input=True)
        try:
            two_factor.verify_second_factor(user=user, code=code, address=address)
        except ValidationFailed as exc:
            fail(f"second factor: {exc.problems[0].message}", code=3)
    elif two_factor.enrolment_required(user):
        fail("your role requires a second factor: sign in on the web and enrol one (Profile, Second factor) first",
             code=3)


@app.command("policy")
def policy(
    role: list[str] = typer.Option(None, "--role", "-r", help="Require a second factor of this role (repeat for "
                                   "several); with --none, of no role. Without either: show the requirement."),
    none: bool = typer.Option(False, "--none", help="Require a second factor of no role."),
    token: str | None = TokenOption,
) -> None:
    """Show or set the roles whose holders must have a second factor to sign in with a password."""
    django_ready()
    from accord.org import selectors, services

    if role or none:
        if role and none:
            fail("give --role or --none, not both")
        with user_errors():
            services.set_second_factor_roles(actor=acting_user(token), roles=role or [])
    required = sorted(selectors.second_factor_roles())
    out.print(f"second factor required for: {', '.join(required) if required else 'no role'}")


@app.command("reset")
def reset(username: str = typer.Argument(..., help="Whose second factor to remove."),
          token: str | None = TokenOption) -> None:
    """Remove someone's lost second factor (app and recovery codes); they enrol again when required."""
    django_ready()
    from accord.accounts import selectors, two_factor

    with user_errors():
        actor = acting_user(token)
        two_factor.reset_second_factor(actor=actor, user=selectors.user_by_username(actor, username))
    out.print(f"[green]✔[/] second factor of {username} removed")

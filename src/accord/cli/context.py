"""What every database-backed command needs: Django set up, the acting user, and clear failures.

The acting user comes from a personal token: `--token`, else the ACCORD_TOKEN variable, else the
file `accord login` writes (~/.config/accord/token, readable by you only).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

err = Console(stderr=True)
if TYPE_CHECKING:
    from accord.core.permissions import Actor

out = Console()



def token_file() -> Path:
    """Where `accord login` keeps the token (ACCORD_TOKEN_FILE overrides)."""
    return Path(os.environ.get("ACCORD_TOKEN_FILE") or Path.home() / ".config" / "accord" / "token")


def django_ready() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.config.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        fail(f"configuration: {exc}")


def migrate_database(*, quiet: bool = True) -> None:
    from django.core.management import call_command
    from django.db import ProgrammingError

    try:
        call_command("migrate", interactive=False, verbosity=0 if quiet else 1)
    except ProgrammingError as exc:
        if "permission denied" not in str(exc):
            raise
        # The application role of `accord db roles` may not change the schema: the owner migrates.
        fail(f"the database role may not change the schema ({str(exc).splitlines()[0]}): run `accord db migrate` "
             "with ACCORD_DATABASE_URL naming the owner role (docs/backup.md)")


def fail(message: str, *, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def saved_token() -> str | None:
    path = token_file()
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    return None


def acting_user(token: str | None = None) -> Actor:
    """The user whose token this is; fails clearly when there is none or it is not valid."""
    from accord.accounts.services import user_for_token

    secret = token or os.environ.get("ACCORD_TOKEN") or saved_token()
    if not secret:
        fail("who is acting? Run `accord login`, or set ACCORD_TOKEN to a personal token, or pass --token.",
             code=3)
    user = user_for_token(secret)
    if user is None:
        fail("the token is unknown, revoked or expired, or its user is disabled. Run `accord login` again.", code=3)
    return user


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a service's refusal into a readable message and an exit code, never a traceback."""
    from accord.core.errors import NotAllowed, NotFound, ValidationFailed

    try:
        yield
    except ValidationFailed as exc:
        head = f"{exc.source} was refused, nothing was written" if exc.source else "refused, nothing was written"
        err.print(f"[bold red]error:[/] {head}:", highlight=False)
        for problem in exc.problems:
            err.print(f"  - {problem}", highlight=False)
        raise typer.Exit(2) from None
    except NotAllowed as exc:
        fail(str(exc), code=3)
    except NotFound as exc:
        fail(str(exc), code=4)


def new_table(*headers: Any, **options: Any) -> Any:
    """A rich Table; rich.table is imported on first use, so `accord --help` does not pay for it."""
    from rich.table import Table

    return Table(*headers, **options)

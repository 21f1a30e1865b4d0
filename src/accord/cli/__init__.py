"""The `accord` command line: one Typer sub-app per domain, each a thin shell over services.

Commands that only run an engine on a file (risks simulate, patch plan, portfolio optimize, vulns
cvss/ssvc) do not touch Django; the others call `django_ready()` first. The command table
(accord.cli.commands) lets `accord --help` answer without importing Typer or any command, and a
run import only the module of the command it names.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from accord.cli.commands import BY_NAME

if TYPE_CHECKING:
    import typer


def __getattr__(name: str) -> typer.Typer:
    """`from accord.cli import app`: the whole tree (tests and the documentation use it)."""
    if name == "app":
        from accord.cli.tree import build

        return build()
    raise AttributeError(name)


def main() -> None:
    arguments = sys.argv[1:]
    if arguments in ([], ["--help"]):
        from accord.cli.help_page import print_help

        print_help()
        raise SystemExit(0 if arguments else 2)  # as Typer does: no command is a usage error
    from accord.cli.tree import build

    entry = BY_NAME.get(arguments[0])
    # An unknown first word or a top-level option goes to the whole tree, which names what is wrong.
    build([entry] if entry else BY_NAME.values())(prog_name="accord")

"""The Typer application, built from the command table: all of it, or only the command being run."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

import typer

from accord.cli.commands import COMMANDS, PROGRAM_SUMMARY, Entry


def _no_options() -> None:
    pass


def build(entries: Iterable[Entry] = COMMANDS) -> typer.Typer:
    app = typer.Typer(name="accord", no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None)
    # A callback keeps the app a group even when it holds one command (a run builds only the command it
    # names): without one, Typer makes a lone command the program itself and `accord backup FILE`
    # reads "backup" as FILE.
    app.callback(help=PROGRAM_SUMMARY)(_no_options)
    for entry in entries:
        target = getattr(importlib.import_module(f"accord.cli.{entry.module}"), entry.attribute)
        if entry.kind == "group":
            app.add_typer(target, name=entry.name)
        else:
            app.command(entry.name)(target)
    return app

"""`accord --help`, printed from the command table alone (no Typer, no command module imported)."""

from __future__ import annotations

import shutil
import sys
import textwrap

from accord.cli.commands import COMMANDS, PROGRAM_SUMMARY


def help_text(width: int = 80) -> str:
    column = max(len(entry.name) for entry in COMMANDS) + 4
    lines = ["Usage: accord [OPTIONS] COMMAND [ARGS]...", "", f"  {PROGRAM_SUMMARY}", "",
             "Options:",
             "  --install-completion  Install completion for the current shell.",
             "  --show-completion     Show completion for the current shell.",
             "  --help                Show this message and exit.", "",
             "Commands:"]
    for entry in COMMANDS:
        wrapped = textwrap.wrap(entry.summary, max(width - column, 30)) or [""]
        lines.append(f"  {entry.name:<{column - 2}}{wrapped[0]}")
        lines.extend(" " * column + rest for rest in wrapped[1:])
    lines += ["", "Run `accord COMMAND --help` for a command's options."]
    return "\n".join(lines)


def print_help() -> None:
    try:
        print(help_text(min(shutil.get_terminal_size().columns, 100)), flush=True)
    except BrokenPipeError:  # `accord --help | head`: the reader left, which is not an error
        sys.stdout = None  # nothing left to flush at exit

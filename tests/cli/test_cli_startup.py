"""`accord --help` stays fast: the command line imports no heavy library until a command needs it
(the time itself is measured by hand; this checks what is imported, which decides it)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "scipy", "highspy", "matplotlib", "django.db.models", "accord.engine.vulns", "accord.engine.fair",
         "accord.engine.patching.plan", "accord.engine.portfolio.milp", "yaml")


def test_importing_the_command_line_loads_no_heavy_library():
    probe = ("import sys, accord.cli; "
             f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"imported at start: {loaded}"


def _modules_loaded_by(*arguments: str) -> set[str]:
    probe = ("import sys; from accord.cli import main; sys.argv = ['accord', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('\\n' + ','.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, *arguments], capture_output=True, text=True, check=True)
    return set(done.stderr.strip().splitlines()[-1].split(","))


def test_the_top_level_help_imports_neither_typer_nor_any_command():
    loaded = _modules_loaded_by("--help")
    assert "typer" not in loaded
    assert not {name for name in loaded if name.startswith("accord.cli.") and name not in
                {"accord.cli.commands", "accord.cli.help_page"}}


def test_a_command_imports_only_its_own_module():
    loaded = _modules_loaded_by("audit", "--help")
    assert "accord.cli.audit" in loaded
    assert "accord.cli.risks" not in loaded and "accord.cli.vulns" not in loaded


def test_the_top_level_help_lists_every_command_with_its_own_summary():
    """The table's summaries are what each command says of itself, so the fast help cannot drift."""
    import typer.core
    import typer.main

    from accord.cli import app
    from accord.cli.commands import COMMANDS
    from accord.cli.help_page import help_text

    tree = typer.main.get_command(app)
    assert isinstance(tree, typer.core.TyperGroup)
    context = tree.make_context("accord", ["--help"], resilient_parsing=True)
    assert sorted(tree.list_commands(context)) == sorted(entry.name for entry in COMMANDS)
    for entry in COMMANDS:
        command = tree.get_command(context, entry.name)
        assert command is not None
        own = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
        assert own == entry.summary, entry.name
    text = " ".join(help_text(width=400).split())
    assert all(f"{entry.name} {entry.summary}" in text for entry in COMMANDS)


def test_a_lone_command_runs_with_its_arguments():
    """A run builds a tree of only the command it names; that command must still take its own arguments."""
    done = subprocess.run([sys.executable, "-c", "from accord.cli import main; main()", "login", "--help"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Usage: accord login [OPTIONS]" in done.stdout

from __future__ import annotations

import subprocess
import sys


def run(*args):
    return subprocess.run([sys.executable, "-m", "digitrace", *args], capture_output=True, text=True)


def test_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0
    assert "digitrace" in r.stdout


def test_user_error_is_one_line_exit_2(tmp_path):
    r = run("io", "summary", str(tmp_path / "missing.csv"))
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert "Traceback" not in r.stderr
    assert "missing.csv" in r.stderr


def test_debug_shows_traceback(tmp_path):
    r = run("--debug", "io", "summary", str(tmp_path / "missing.csv"))
    assert r.returncode != 0
    assert "Traceback" in r.stderr


def test_typer_exit_code_propagates():
    import typer

    from digitrace import cli

    app = typer.Typer()

    @app.command()
    def fail() -> None:
        raise typer.Exit(code=3)

    import pytest

    orig = cli.build_app
    cli.build_app = lambda: app
    try:
        with pytest.raises(SystemExit) as exc:
            cli.main([])
        assert exc.value.code == 3
    finally:
        cli.build_app = orig


def test_bad_parameter_is_one_line_exit_2(tmp_path):
    r = run("chain", "--format", "xml", "--sources", "nbs")
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr


def test_unknown_command_is_exit_2():
    r = run("no-such-command")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr

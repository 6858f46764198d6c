"""The ``digitrace`` command: thin wrappers over the library.

Each topic lives in its own module ``digitrace.cli.<topic>`` exposing
``register(app)``.  Heavy libraries are imported inside the command functions,
never at module level, so ``digitrace --help`` stays fast.

User errors (:class:`~digitrace.errors.DigitraceError`, bad files) print one
line on stderr and exit with code 2; ``--debug`` shows the traceback.
"""
from __future__ import annotations

import importlib
import sys

import typer
import typer.core

# topic modules, in help order; a module that does not exist yet is skipped
TOPICS = ("data", "io", "classify", "accounts", "index", "disparity", "spatial",
          "model", "text", "chain", "modes", "atlas")

_STATE = {"debug": False}


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"digitrace {__version__}")
        raise typer.Exit()


def _root_callback(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors (anywhere on the line)."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                 callback=_show_version, is_eager=True),
) -> None:
    """digitrace: China's industrial digitalization, measured and explained."""
    _STATE["debug"] = debug


class _TopicOrderGroup(typer.core.TyperGroup):
    """List the commands in TOPICS order (typer puts plain commands before groups)."""

    def list_commands(self, ctx):  # noqa: D102
        names = list(super().list_commands(ctx))
        rank = {t: i for i, t in enumerate(TOPICS)}
        return sorted(names, key=lambda n: rank.get(n, len(rank)))


def build_app() -> typer.Typer:
    app = typer.Typer(no_args_is_help=True, add_completion=False, cls=_TopicOrderGroup,
                      pretty_exceptions_enable=False, callback=_root_callback,
                      context_settings={"help_option_names": ["-h", "--help"]})
    for topic in TOPICS:
        try:
            mod = importlib.import_module(f"digitrace.cli.{topic}")
        except ModuleNotFoundError as exc:
            if exc.name == f"digitrace.cli.{topic}":
                continue
            raise
        mod.register(app)
    return app


def _user_error_types() -> tuple[type[BaseException], ...]:
    from ..errors import DigitraceError

    return (DigitraceError, FileNotFoundError, IsADirectoryError, NotADirectoryError,
            PermissionError, UnicodeDecodeError)


def _plain_warnings() -> None:
    """Show digitrace's own warnings as one ``BalanceWarning: message`` line (no source line)."""
    import warnings

    from ..errors import DigitraceWarning

    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, DigitraceWarning):
            print(f"{category.__name__}: {message}", file=sys.stderr if file is None else file)
        else:
            default(message, category, filename, lineno, file, line)

    warnings.showwarning = show


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning user errors into one line + exit 2."""
    try:  # typer >= 0.29 vendors its own copy of click
        from typer._click import exceptions as click_exc
    except ImportError:  # pragma: no cover - older typer uses click itself
        from click import exceptions as click_exc

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:  # accepted anywhere on the line, not only before the command
        args = ["--debug", *(a for a in args if a != "--debug")]
    app = build_app()
    if not debug:
        _plain_warnings()
    try:
        rc = app(args=args, prog_name="digitrace", standalone_mode=False)
    except typer.Exit as exc:
        if exc.exit_code == 130:
            _interrupted()
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        sys.exit(130)
    except getattr(click_exc, "NoArgsIsHelpError", ()) as exc:  # bare `digitrace`: show help
        exc.show()
        sys.exit(0)
    except click_exc.ClickException as exc:  # usage errors, bad parameters: one line, exit 2
        if debug:
            raise
        print(f"error: {exc.format_message()}", file=sys.stderr)
        sys.exit(2)
    except _user_error_types() as exc:
        if debug:
            raise
        if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
            msg = f"{exc.filename}: {exc.strerror.lower()}"   # not "[Errno 21] Is a directory: ..."
        else:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"error: {msg}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:  # unexpected: still one line unless --debug
        if debug:
            raise
        print(f"error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)",
              file=sys.stderr)
        sys.exit(1)
    # with standalone_mode=False click returns typer.Exit codes instead of exiting
    if isinstance(rc, int) and rc:
        if rc == 130:   # Ctrl-C: typer turns KeyboardInterrupt into exit code 130
            _interrupted()
        sys.exit(rc)


def _interrupted() -> None:
    print("error: interrupted (outputs are written atomically: no partial file was left)",
          file=sys.stderr)

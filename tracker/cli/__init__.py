"""Command-line entry point: `tracker` and `python -m tracker`.

Layer 5. Errors are caught here, in one place: `tracker: <where>: <problem>` on stderr and the
error's exit code; `--debug` adds the traceback. Commands live in sibling modules.
"""

from __future__ import annotations

import sys
import traceback

from tracker.cli.app import app, state
from tracker.errors import DatabaseError, TrackerError

__all__ = ["app", "main"]


def _error(message: str) -> None:
    sys.stderr.write(f"tracker: {' '.join(message.split())}\n")  # one line, whatever the message holds


def _database_failure(exc: Exception) -> DatabaseError | None:
    """A driver error that escaped the store (a bug there) is still the database's failure: exit 6,
    one line, the URL without its password. None when `exc` is not one."""
    sa_exc = sys.modules.get("sqlalchemy.exc")  # never imported here: a failure of it means it is loaded
    if sa_exc is None or not isinstance(exc, sa_exc.SQLAlchemyError):
        return None
    orig = getattr(exc, "orig", None)
    reason = str(orig if orig is not None else exc).strip().splitlines() or [type(exc).__name__]
    where = "database"
    if state.db or state._tracker is not None:
        try:
            from sqlalchemy.engine import make_url

            from tracker.store.db import normalize_url

            url = state._tracker.settings.database_url if state._tracker is not None else state.db
            where = make_url(normalize_url(url or "")).render_as_string(hide_password=True)
        except Exception:  # an unparsable URL: say "database", never echo what might hold a password
            pass
    return DatabaseError(reason[0], where=where)


def _usage_errors() -> tuple[type[Exception], ...]:
    """Typer's usage errors: its own classes since it carries click inside (0.26), click's before."""
    import typer

    found: list[type[Exception]] = []
    if hasattr(typer, "TyperException"):
        found.append(typer.TyperException)
    click = sys.modules.get("click")  # loaded only where typer uses the separate click package
    if click is not None:
        found.append(click.ClickException)
    return tuple(found)


def _usage(exc: Exception) -> int:
    """One line for a usage mistake (the whole help when there were no arguments); its exit code."""
    code = int(getattr(exc, "exit_code", 2))
    if type(exc).__name__ == "NoArgsIsHelpError":
        exc.show()  # type: ignore[attr-defined]
        return code
    ctx = getattr(exc, "ctx", None)
    where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    _error(f"{message}{where}")
    return code


#: The module that defines each command. A run loads only its command's module (Typer then builds
#: only those commands); help before the command, a mistake or no command at all load every one.
#: A test keeps this equal to what the modules register.
COMMAND_MODULES = {
    **dict.fromkeys(("extract", "ingest", "list", "stats", "show", "feed", "due", "db"), "commands"),
    **dict.fromkeys(("serve", "feeds"), "feeds_cmd"),
    **dict.fromkeys(
        ("done", "reopen", "waive", "set", "anchor", "tag", "untag", "note", "history", "recompute"),
        "lifecycle_cmd",
    ),
    **dict.fromkeys(("remind", "poll", "run", "sources"), "remind_cmd"),
}
ALL_MODULES = ("commands", "feeds_cmd", "lifecycle_cmd", "remind_cmd")  # the order of `--help`
_GLOBAL_WITH_VALUE = ("--db", "--config")


def modules_for(argv: list[str]) -> tuple[str, ...]:
    """The command modules a run with these arguments needs."""
    args = iter(argv)
    for arg in args:
        if arg in _GLOBAL_WITH_VALUE:
            next(args, None)
        elif arg in ("--help", "-h"):
            return ALL_MODULES
        elif not arg.startswith("-"):
            return (COMMAND_MODULES[arg],) if arg in COMMAND_MODULES else ALL_MODULES
    return ALL_MODULES


def main(argv: list[str] | None = None) -> None:
    import importlib

    import typer

    argv = sys.argv[1:] if argv is None else argv
    for name in modules_for(argv):
        importlib.import_module(f"tracker.cli.{name}")  # registers its commands on `app`
    usage_errors = _usage_errors()
    try:
        rv = app(args=argv, prog_name="tracker", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _error("aborted")
        sys.exit(130)
    except usage_errors as exc:
        sys.exit(_usage(exc))
    except TrackerError as exc:
        _error(str(exc))
        if state.debug:
            traceback.print_exc()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _error("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug, not a user's mistake: say so plainly, details with --debug
        failure = _database_failure(exc)
        if failure is not None:
            _error(str(failure))
        else:
            _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        if state.debug:
            traceback.print_exc()
        sys.exit(failure.exit_code if failure is not None else 1)
    sys.exit(rv if isinstance(rv, int) else 0)

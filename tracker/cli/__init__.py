"""Command-line entry point: `tracker` and `python -m tracker`.

Layer 5. Errors are caught here, in one place: `tracker: <where>: <problem>` on stderr and the
error's exit code; `--debug` adds the traceback. Commands live in sibling modules.
"""

from __future__ import annotations

import sys
import traceback

from tracker.cli.app import app, state
from tracker.errors import TrackerError

__all__ = ["app", "main"]


def _error(message: str) -> None:
    sys.stderr.write(f"tracker: {message}\n")


def main(argv: list[str] | None = None) -> None:
    import click

    from tracker.cli import commands, feeds_cmd, lifecycle_cmd, remind_cmd  # noqa: F401  (registers them)

    try:
        rv = app(args=argv, prog_name="tracker", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _error("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
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
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        if state.debug:
            traceback.print_exc()
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)

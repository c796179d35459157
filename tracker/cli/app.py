"""The Typer application, global options and the shared option vocabulary of listing commands."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker import __version__
from tracker.errors import UsageError

if TYPE_CHECKING:
    from tracker.service import Tracker
    from tracker.store.filters import Filters

app = typer.Typer(
    name="tracker",
    help="Track dated duties found in orders, statutes, Federal Register documents and news articles.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@dataclass
class State:
    db: str | None = None
    config: str | None = None
    debug: bool = False
    _tracker: Tracker | None = None

    def tracker(self) -> Tracker:
        if self._tracker is None:
            from tracker import config
            from tracker.service import Tracker

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                settings = config.load(self.config, database_url=self.db)
            for w in caught:
                typer.echo(f"tracker: config: {w.message}", err=True)
            self._tracker = Tracker(settings)
        return self._tracker

    def lean_url(self) -> str | None:
        """The database URL when the full configuration could not say otherwise, else None.

        That is: no configuration file (no --config, TRACKER_CONFIG or user file, and the shipped
        defaults leave the URL unset) and no TRACKER_* variable but the plain-text ones of
        `LEAN_ENV`, which cannot fail validation. Listings then skip loading the configuration and
        the ORM (`tracker.service.listing`); every other case takes the general way.
        """
        import os

        from tracker.locations import shipped_config_path, user_config_path

        if self.config or any(
            k.upper().startswith("TRACKER_") and k.upper() not in LEAN_ENV for k in os.environ
        ):
            return None
        if user_config_path().is_file() or _sets_database(shipped_config_path()):
            return None
        if self.db:
            return self.db
        from tracker.store.listing import default_url

        return default_url()


#: Environment settings that leave the lean listing possible: strings any value of which is valid.
LEAN_ENV = frozenset(
    {
        "TRACKER_DATABASE_URL",
        "TRACKER_NOW",
        "TRACKER_TODAY",
        "TRACKER_USER",
        "TRACKER_SMTP__PASSWORD",
        "TRACKER_WEB__ACCESS_TOKEN",
        "TRACKER_WEBHOOKS__SECRET",
    }
)


def _sets_database(path: Path) -> bool:
    import tomllib

    try:
        return "database_url" in tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True  # unreadable: the general way reports it


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tracker {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="TRACKER_DATABASE_URL",
            help="Database URL (default: a SQLite file in the user data dir).",
        ),
    ] = None,
    config: Annotated[
        str | None, typer.Option("--config", envvar="TRACKER_CONFIG", help="Configuration file (TOML).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    state.db, state.config, state.debug, state._tracker = db, config, debug, None


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"expected a date as YYYY-MM-DD, got {value!r}", where=option) from None


# The shared filter vocabulary of `list`, `feed` and `feeds create`.
DueBefore = Annotated[
    str | None, typer.Option("--due-before", help="Only due on or before this date (YYYY-MM-DD).")
]
DueAfter = Annotated[
    str | None, typer.Option("--due-after", help="Only due on or after this date (YYYY-MM-DD).")
]
Actor = Annotated[str | None, typer.Option("--actor", help="Only duties whose actor contains this text.")]
Instrument = Annotated[
    str | None, typer.Option("--instrument", help='Only this instrument, e.g. "EO 14411".')
]
Tag = Annotated[str | None, typer.Option("--tag", help="Only duties with this tag.")]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option("--status", help="open, done, waived, superseded, revoked (repeatable; default: open)."),
]


def make_filters(
    due_before: str | None,
    due_after: str | None,
    actor: str | None,
    instrument: str | None,
    tag: str | None,
    status: list[str] | None,
    *,
    default_status: tuple[str, ...] | None,
) -> Filters:
    from tracker.model import Status
    from tracker.store.filters import Filters

    statuses: tuple[str, ...] | None = default_status
    if status:
        if "all" in status:
            statuses = None
        else:
            valid = {s.value for s in Status}
            for s in status:
                if s not in valid:
                    raise UsageError(f"unknown status (choose {', '.join(sorted(valid))}, all)", where=s)
            statuses = tuple(status)
    return Filters(
        due_before=parse_date(due_before, "--due-before"),
        due_after=parse_date(due_after, "--due-after"),
        actor=actor,
        instrument=instrument,
        tag=tag,
        status=statuses,
    )

"""The Typer application, global options and the shared option vocabulary of listing commands."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from tracker import __version__
from tracker.errors import UsageError

if TYPE_CHECKING:
    from tracker.service import Tracker
    from tracker.store.repository import Filters

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
    from tracker.store.repository import Filters

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

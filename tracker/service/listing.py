"""The listing use case: `tracker list` read as a stream, ready-made JSON lines or plain row tuples.

Layer 4, and light: it reaches the database through `store.listing` without SQLAlchemy when it can
(`lean` holds the URL then), and through the configured `Tracker` otherwise. Both ways run the same
SQL on the same kind of driver connection, so they print the same bytes; the general way is also
the one that creates a missing database, migrates an old one and reports a broken one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker.service.clock import clock_from_env
from tracker.store import listing
from tracker.store.filters import Filters, relative

if TYPE_CHECKING:
    from tracker.service.core import Tracker


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    instrument_width: int  # longest instrument, 0 when none has one
    first_due: dt.date | None  # of the open duties listed (the others show no days left)
    last_due: dt.date | None
    status_width: int
    any_override: bool


class Listing:
    """One listing: the connection, the clock and the filters (`overdue`/`within_days` applied)."""

    def __init__(self, conn: Any, dialect: str, where: str, filters: Filters, today: dt.date) -> None:
        self.conn, self.dialect, self.where, self.today = conn, dialect, where, today
        self.filters = filters
        self.database_json = dialect != "sqlite" or listing.has_json_functions(conn)

    def json_lines(self) -> Iterator[list[str]]:
        """Batches of `--json` lines (no newline), built by the database (in Python by a SQLite
        without JSON functions: the same bytes, slower)."""
        if not self.database_json:
            for batch in self.rows():
                yield [listing.json_line(r) for r in batch]
            return
        parts = listing.json_sql(self.filters, self.dialect)
        for batch in listing.stream(self.conn, parts, self.where, self.filters.limit):
            yield [r[0] for r in batch]

    def rows(self) -> Iterator[list[tuple[Any, ...]]]:
        """Batches of `listing.ROW_FIELDS` tuples; dates as `datetime.date` on both backends."""
        parts = listing.rows_sql(self.filters, self.dialect)
        dated = (listing.ROW_FIELDS.index("anchor_date"), listing.ROW_FIELDS.index("due_date"))
        last = listing.ROW_FIELDS.index("override_due")
        for batch in listing.stream(self.conn, parts, self.where, self.filters.limit):
            if self.dialect == "sqlite":
                batch = [_dates(r, dated, last) for r in batch]
            yield batch

    def summary(self) -> Summary:
        sql, params = listing.summary_sql(self.filters, self.dialect)
        ((row,),) = list(listing.stream(self.conn, [(sql, params)], self.where))
        count, width, first, last, status_width, override = row
        return Summary(count, width or 0, _date(first), _date(last), status_width or 0, bool(override))


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _dates(row: tuple[Any, ...], dated: tuple[int, ...], override: int) -> tuple[Any, ...]:
    out = list(row)
    for i in (*dated, override):
        if out[i] is not None:
            out[i] = dt.date.fromisoformat(out[i])
    return tuple(out)


@contextlib.contextmanager
def open_listing(
    filters: Filters,
    *,
    lean_url: str | None,
    general: Callable[[], Tracker],
    overdue: bool = False,
    within_days: int | None = None,
) -> Iterator[Listing]:
    """A `Listing` over a lean connection to `lean_url`, or over `general()`'s store."""
    lean = None
    if lean_url is not None:
        today = clock_from_env()().date()  # a bad TRACKER_TODAY fails here, before anything is open
        lean = listing.lean_connect(lean_url)
    if lean is not None:
        conn, dialect = lean
        try:
            yield Listing(
                conn,
                dialect,
                listing.safe_url(lean_url or ""),
                _narrow(filters, today, overdue, within_days),
                today,
            )
        finally:
            conn.close()
        return
    tracker = general()
    today = tracker.today()
    with tracker.repo() as repo:
        conn = repo.session.connection()
        yield Listing(
            conn.connection.driver_connection,
            conn.dialect.name,
            conn.engine.url.render_as_string(hide_password=True),
            _narrow(filters, today, overdue, within_days),
            today,
        )


def _narrow(f: Filters, today: dt.date, overdue: bool, within_days: int | None) -> Filters:
    return relative(f, today, overdue, within_days) if overdue or within_days is not None else f

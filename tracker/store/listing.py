"""The listing read path: `tracker list` rows streamed from the database driver, no ORM in between.

Layer 3, standard library only at import time (a PostgreSQL driver is imported when one is
needed). A listing of 100,000 duties is dominated by turning rows into text, so the database
does it: each `--json` line is built by SQLite's `json_object` or PostgreSQL's `row_to_json`, in
the documented field order (DESIGN.md section 5), and both backends print the same bytes. Rows
for the table and CSV come as plain tuples (`ROW_FIELDS`). Filters and order are `filters.py`'s,
the same text the repository uses.

`lean_connect` opens a database without SQLAlchemy when it is certainly ready to read (a SQLite
file or a psycopg URL, already at the newest schema); anything else returns None and the caller
goes the general way, which creates, migrates or reports exactly as every other command does.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from tracker.errors import DatabaseError
from tracker.store.filters import ORDER_SQL, Filters, limit_sql, where_sql

#: The newest migration. `tracker.store.db.ensure_schema` and `lean_connect` compare the database
#: with it without loading Alembic; a test keeps it equal to Alembic's head.
HEAD = "0003"
BATCH = 2000
_CURSORS = itertools.count()  # names of PostgreSQL server-side cursors, unique in a connection
#: A listing walks the due-date index and visits rows out of file order: a page cache of up to
#: 64 MiB (filled only as pages are read) keeps a 100k listing from reading pages twice.
SQLITE_CACHE = "PRAGMA cache_size=-65536"

#: Columns of the rows `rows()` yields for the table and CSV, in this order.
ROW_FIELDS = (
    "id",
    "instrument",
    "actor",
    "action",
    "deadline_text",
    "anchor_kind",
    "anchor_date",
    "period",
    "due_date",
    "recurrence",
    "status",
    "tags",
    "confidence",
    "override_due",
    "anchor_text",
)

# Both backends print the same bytes: a whole confidence prints as PostgreSQL prints a float8 ("1",
# not SQLite's "1.0"), and tags print as stored, in the compact form of `filters.tags_text`.
# SQLite keeps this very expression in the index ix_obligation_list_json (migration 0003) and reads
# each line from there: change it only with a migration that rebuilds that index.
_SQLITE_JSON = """json_object(
 'id', id, 'instrument', instrument, 'actor', actor, 'action', action,
 'deadline_text', deadline_text,
 'anchor', json_object('kind', anchor_kind, 'date', anchor_date, 'text', anchor_text),
 'period', period, 'due_date', due_date, 'recurrence', recurrence, 'status', status,
 'tags', json(tags),
 'confidence', CASE WHEN confidence = CAST(confidence AS INTEGER) THEN CAST(confidence AS INTEGER)
                    ELSE confidence END)"""

_POSTGRES_JSON_FROM = """obligation CROSS JOIN LATERAL (SELECT
 obligation.id, obligation.instrument, obligation.actor, obligation.action, obligation.deadline_text,
 (SELECT row_to_json(a) FROM (SELECT obligation.anchor_kind AS "kind", obligation.anchor_date AS "date",
                                     obligation.anchor_text AS "text") a) AS "anchor",
 obligation.period, obligation.due_date, obligation.recurrence, obligation.status,
 obligation.tags::json AS "tags",
 obligation.confidence) r"""


def has_json_functions(conn: Any) -> bool:
    """Whether this SQLite has its JSON functions (built in since 3.38; an option of older builds)."""
    try:
        conn.execute("SELECT json_object('a', 1)").fetchall()
    except sqlite3.OperationalError:
        return False
    return True


def json_line(row: tuple[Any, ...]) -> str:
    """The `--json` line of a `ROW_FIELDS` row built in Python, byte for byte what the databases
    write (compact, non-ASCII as itself, a whole confidence without ".0"): for a SQLite without JSON
    functions."""
    r = dict(zip(ROW_FIELDS, row, strict=True))
    confidence = r["confidence"]
    if confidence == int(confidence):
        confidence = int(confidence)
    record = {
        "id": r["id"],
        "instrument": r["instrument"],
        "actor": r["actor"],
        "action": r["action"],
        "deadline_text": r["deadline_text"],
        "anchor": {"kind": r["anchor_kind"], "date": _iso(r["anchor_date"]), "text": r["anchor_text"]},
        "period": r["period"],
        "due_date": _iso(r["due_date"]),
        "recurrence": r["recurrence"],
        "status": r["status"],
        "tags": json.loads(r["tags"] or "[]"),
        "confidence": confidence,
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _mark(dialect: str) -> Any:
    return (lambda name: f"%({name})s") if dialect == "postgresql" else (lambda name: f":{name}")


def _params(params: dict[str, Any], dialect: str) -> dict[str, Any]:
    # SQLite holds dates as ISO text (what SQLAlchemy writes); psycopg adapts `date` itself.
    if dialect == "postgresql":
        return params
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in params.items()}


def _parts(f: Filters, dialect: str, head: str) -> list[tuple[str, dict[str, Any]]]:
    """`head` (SELECT ... FROM ...) as two queries run in turn: the dated rows by due date and id,
    then the undated ones by id. That is `filters.ORDER_SQL`'s order, read straight off the index
    on (status, due_date, id) instead of sorted: the sort was a third of a 100k listing."""
    where, params = where_sql(f, _mark(dialect))
    params = _params(params, dialect)
    parts = [
        (
            f"{head} WHERE {where} AND obligation.due_date IS NOT NULL"
            f" ORDER BY obligation.due_date, obligation.id{limit_sql(f)}",
            params,
        )
    ]
    if not (f.dated_only or f.due_before or f.due_after):
        parts.append(
            (
                f"{head} WHERE {where} AND obligation.due_date IS NULL ORDER BY obligation.id{limit_sql(f)}",
                params,
            )
        )
    return parts


def json_sql(f: Filters, dialect: str) -> list[tuple[str, dict[str, Any]]]:
    """Queries for one `--json` line per row, in listing order (see `_parts`)."""
    if dialect == "postgresql":
        return _parts(f, dialect, f"SELECT row_to_json(r)::text FROM {_POSTGRES_JSON_FROM}")
    return _parts(f, dialect, f"SELECT {_SQLITE_JSON} FROM obligation")


def rows_sql(f: Filters, dialect: str) -> list[tuple[str, dict[str, Any]]]:
    """Queries for `ROW_FIELDS` tuples in listing order (see `_parts`)."""
    cols = ", ".join(f"obligation.{c}" for c in ROW_FIELDS)
    return _parts(f, dialect, f"SELECT {cols} FROM obligation")


def summary_sql(f: Filters, dialect: str) -> tuple[str, dict[str, Any]]:
    """count, longest instrument, earliest and latest due date of the open rows, longest status,
    any date set by hand."""
    where, params = where_sql(f, _mark(dialect))
    inner = f"SELECT * FROM obligation WHERE {where} ORDER BY {ORDER_SQL}{limit_sql(f)}"
    sql = (
        "SELECT count(*), max(length(instrument)), min(CASE WHEN status = 'open' THEN due_date END),"
        " max(CASE WHEN status = 'open' THEN due_date END), max(length(status)),"
        " max(CASE WHEN override_due IS NULL THEN 0 ELSE 1 END)"
        f" FROM ({inner}) AS listed"
    )
    return sql, _params(params, dialect)


def stream(
    conn: Any, parts: list[tuple[str, dict[str, Any]]], where: str, limit: int | None = None
) -> Iterator[list[Any]]:
    """Batches of rows of each query in turn, `limit` rows at most; a driver error becomes a
    `DatabaseError` naming `where`. On PostgreSQL the rows come through a server-side cursor, so
    memory stays flat however many are listed."""
    left = limit
    server_side = type(conn).__module__.startswith("psycopg")
    try:
        for sql, params in parts:
            cur = conn.cursor(name=f"tracker_listing_{next(_CURSORS)}") if server_side else conn.cursor()
            cur.execute(sql, params)
            while batch := cur.fetchmany(BATCH if left is None else min(BATCH, left)):
                yield batch
                if left is not None:
                    left -= len(batch)
                    if left <= 0:
                        break
            cur.close()
            if left is not None and left <= 0:
                return
    except Exception as exc:
        if not _is_driver_error(exc):
            raise
        raise DatabaseError(_first_line(exc), where=where) from None


def _is_driver_error(exc: Exception) -> bool:
    if isinstance(exc, sqlite3.Error):
        return True
    import sys

    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def normalize_url(url: str) -> str:
    """Accept the spellings people paste: postgres://, postgresql:// (psycopg 3 is the driver)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_url() -> str:
    """The embedded default: a SQLite file in the platformdirs user data dir."""
    from tracker.locations import default_database_path

    return f"sqlite:///{default_database_path()}"


def safe_url(url: str) -> str:
    """`url` with any password replaced by ***, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def lean_connect(url: str) -> tuple[Any, str] | None:
    """(DB-API connection, dialect) for a database ready to read, or None to go the general way."""
    url = normalize_url(url)
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path or "?" in path or "%" in path or path.startswith(("~", "file:", ":memory:")):
            return None
        try:  # mode=rw: never create a file here; the general way makes and migrates new ones
            conn: Any = sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, timeout=30)
        except sqlite3.Error:
            return None
        conn.execute(SQLITE_CACHE)
        dialect = "sqlite"
    elif url.startswith("postgresql+psycopg://"):
        try:
            import psycopg
        except ImportError:
            return None
        try:
            conn = psycopg.connect("postgresql://" + url[len("postgresql+psycopg://") :])
        except psycopg.Error:
            return None
        dialect = "postgresql"
    else:
        return None
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except Exception:
        conn.close()
        return None
    if revision != [(HEAD,)]:
        conn.close()
        return None
    return conn, dialect

"""Engines and migrations: the same code on SQLite (default, embedded) and PostgreSQL.

Layer 3. The default SQLite file lives in the platformdirs user data dir and is created and
migrated on first use; other databases are migrated on first use too (`tracker db upgrade`
does it explicitly).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from tracker.errors import DatabaseError
from tracker.store.listing import HEAD, SQLITE_CACHE, default_url, normalize_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute(SQLITE_CACHE)
    cur.close()


def make_engine(url: str | None) -> Engine:
    url = normalize_url(url or default_url())
    try:
        parsed = sa.engine.make_url(url)
    except ArgumentError:
        raise DatabaseError("not a database URL", where=url) from None
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            try:
                Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create the database folder: {exc.strerror}", where=url) from None
        engine = sa.create_engine(parsed, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return sa.create_engine(parsed, pool_pre_ping=True)
    except (ImportError, SQLAlchemyError) as exc:
        raise DatabaseError(f"cannot use this database: {exc}", where=_safe(parsed)) from None


def _safe(url: Any) -> str:
    return url.render_as_string(hide_password=True) if hasattr(url, "render_as_string") else str(url)


def _alembic_config(connection: sa.Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None  # the package ships at least one migration
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with _db_errors(engine), engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


def ensure_schema(engine: Engine) -> None:
    """Migrate to the newest schema when the database is behind (cheap when it is not)."""
    with _db_errors(engine):
        if _stored_revision(engine) == HEAD:
            return
        if current_revision(engine) != head_revision():
            upgrade(engine)


def _stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read with one query; None when there is none yet."""
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, sa.exc.ProgrammingError):
        return None


@contextlib.contextmanager
def _db_errors(engine: Engine) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        raise DatabaseError(reason, where=_safe(engine.url)) from None
    except SQLAlchemyError as exc:
        raise DatabaseError(str(exc).splitlines()[0], where=_safe(engine.url)) from None


db_errors = _db_errors

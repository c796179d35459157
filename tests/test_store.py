"""The store on both backends: migrations, idempotent inserts, aware timestamps, filters."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from tracker.errors import DatabaseError, NotFound
from tracker.store import db
from tracker.store.repository import Filters, Repository, insert_ignore
from tracker.store.tables import DocumentRow, ObligationRow

NOW = dt.datetime(2026, 6, 29, 13, 50, tzinfo=dt.UTC)


def _ob(oid: str, due: dt.date | None, **kw: object) -> dict[str, object]:
    base = {
        "id": oid,
        "instrument": "EO 1",
        "kind": "executive_order",
        "actor": "Secretary of State",
        "action": "report",
        "deadline_text": "within 30 days",
        "anchor_kind": "issued",
        "due_date": due,
        "computed_due": due,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return {**base, **kw}


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    eng = db.make_engine(db_url)
    db.ensure_schema(eng)
    yield eng
    eng.dispose()


def test_migrations_reach_head_and_are_idempotent(engine) -> None:  # type: ignore[no-untyped-def]
    assert db.current_revision(engine) == db.head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    assert {"document", "obligation", "mention", "audit_event", "feed", "reminder_log", "source"} <= tables
    db.upgrade(engine)  # a second upgrade is a no-op
    assert db.current_revision(engine) == db.head_revision()


def test_head_constant_matches_alembic() -> None:
    assert db.head_revision() == db.HEAD


def test_insert_ignore_creates_no_twin(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        assert insert_ignore(s, ObligationRow, _ob("abc", dt.date(2026, 11, 30)), ["id"]) is True
        assert insert_ignore(s, ObligationRow, _ob("abc", dt.date(2027, 1, 1)), ["id"]) is False
        s.commit()
    with Session(engine) as s:
        row = s.get(ObligationRow, "abc")
        assert row is not None and row.due_date == dt.date(2026, 11, 30)


def test_timestamps_come_back_aware_utc(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        repo = Repository(s)
        local = dt.datetime(2026, 6, 29, 15, 50, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        row, created = repo.add_document(
            {"sha256": "0" * 64, "source": "x.txt", "kind": "article", "fetched_at": local}
        )
        assert created
        doc_id = row.id
        s.commit()
    with Session(engine) as s:
        got = s.get(DocumentRow, doc_id)
        assert got is not None and got.fetched_at == NOW and got.fetched_at.tzinfo is not None


def test_naive_timestamps_are_refused(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s, pytest.raises(sa.exc.StatementError):
        s.add(DocumentRow(sha256="1" * 64, source="y", kind="rule", fetched_at=dt.datetime(2026, 1, 1)))
        s.commit()


def test_query_filters_and_order(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        for oid, due, actor, status, tags in [
            ("aaaa1", dt.date(2026, 12, 1), "Secretary of Commerce", "open", ["trade"]),
            ("aaaa2", dt.date(2026, 11, 30), "Secretary of Homeland Security", "open", []),
            ("aaaa3", None, "Attorney General", "open", ["trade", "50%_off"]),
            ("aaaa4", dt.date(2026, 1, 1), "Secretary of Commerce", "done", []),
        ]:
            insert_ignore(
                s, ObligationRow, _ob(oid, due, actor=actor, status=status, tags=json.dumps(tags)), ["id"]
            )
        s.commit()
        repo = Repository(s)
        ids = [r.id for r in repo.query(Filters(status=("open",)))]
        assert ids == ["aaaa2", "aaaa1", "aaaa3"]  # soonest first, undated last
        assert [r.id for r in repo.query(Filters(actor="commerce"))] == ["aaaa4", "aaaa1"]
        assert [r.id for r in repo.query(Filters(tag="trade"))] == ["aaaa1", "aaaa3"]
        assert [r.id for r in repo.query(Filters(tag="50%_off"))] == ["aaaa3"]
        assert [r.id for r in repo.query(Filters(tag="%"))] == []
        assert [r.id for r in repo.query(Filters(due_before=dt.date(2026, 11, 30)))] == ["aaaa4", "aaaa2"]
        assert [r.id for r in repo.query(Filters(due_after=dt.date(2026, 12, 1)))] == ["aaaa1"]
        assert repo.resolve_id("aaaa2").id == "aaaa2"
        with pytest.raises(NotFound):
            repo.resolve_id("zzzz")


def test_filters_round_trip_through_dict() -> None:
    f = Filters(due_before=dt.date(2026, 1, 2), actor="State", status=("open", "done"), tag="t")
    assert Filters.from_dict(json.loads(json.dumps(f.to_dict()))) == f


def test_unusable_sqlite_path_is_a_database_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseError) as exc:
        db.ensure_schema(db.make_engine(f"sqlite:///{blocker}/sub/tracker.db"))
    assert "\n" not in str(exc.value)


def test_unreachable_server_is_a_database_error() -> None:
    eng = db.make_engine("postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    with pytest.raises(DatabaseError) as exc:
        db.ensure_schema(eng)
    assert exc.value.exit_code == 6 and "\n" not in str(exc.value)

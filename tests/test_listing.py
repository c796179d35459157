"""`tracker list` read as a stream (tracker/store/listing.py, tracker/service/listing.py, cli/list_view.py).

Rows are written straight into the store's tables with awkward values (quotes, backslashes, control
characters, non-ASCII, tags with commas, whole-number confidences, missing instruments and dates),
then listed. Checked against independent oracles: each `--json` line equals the record built in
Python from the ORM row (`render.list_record`), the filters select and order exactly what a plain
Python filter over the same rows selects, both backends print the same bytes, and the lean way
(no configuration file: no SQLAlchemy, no pydantic) prints what the general way prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CLI, _clean_env
from tracker import config
from tracker.cli import list_view
from tracker.cli.render import LIST_FIELDS, list_record
from tracker.service import Tracker
from tracker.service.listing import open_listing
from tracker.store import listing
from tracker.store.filters import Filters, tags_text
from tracker.store.repository import to_tracked
from tracker.store.tables import ObligationRow

STAMP = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 15)
ACTORS = ["Secretary of State", "Secretary of Commerce", "Attorney General", "Administrator of the EPA"]
AWKWARD = [
    'the "Plan" \\ C:\\New',
    "line\nbreak\tand\x01control",
    "café — naïve ☂ 日本語",
    "50% of_the cases",
    "<script>alert(1)</script>",
    "",
]
TAGS = [[], ["customs"], ["a,b", "café"], ['q"x', "customs"], ["50%"]]
STATUSES = ["open", "open", "open", "done", "waived", "revoked"]


def _rows(count: int) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        due = None if i % 7 == 3 else dt.date(2026, 1, 1) + dt.timedelta(days=(i * 37) % 400)
        out.append(
            {"id": f"r{i:04d}x", "instrument": None if i % 9 == 4 else f"EO {14000 + i % 5}",
             "kind": "executive_order", "actor": ACTORS[i % len(ACTORS)] + (" " + AWKWARD[i % 6]).rstrip(),
             "action": f"act {i} " + AWKWARD[(i + 1) % 6],
             "deadline_text": f"within {i} days " + AWKWARD[i % 6],
             "modal": "shall", "anchor_kind": "issued" if i % 4 else "event",
             "anchor_date": None if i % 11 == 5 else dt.date(2026, 3, 2), "anchor_text": AWKWARD[(i + 2) % 6],
             "anchor_source": "metadata", "period": f"P{i}D" if i % 5 else None, "expr": "{}",
             "computed_due": due, "due_date": due, "recurrence": "FREQ=YEARLY" if i % 13 == 0 else None,
             "status": STATUSES[i % len(STATUSES)], "confidence": (1.0, 0.0, 0.9, 0.55, 0.123)[i % 5],
             "flags": "[]", "tags": tags_text(TAGS[i % len(TAGS)]), "explanation": "[]",
             "override_due": due if i % 10 == 1 else None, "override_reason": None, "sequence": 0,
             "created_at": STAMP, "updated_at": STAMP, "origin_key": None, "anchor_ref": None,
             "anchor_reason": None, "completed_on": None}
        )  # fmt: skip
    return out


def _store(url: str, rows: list[dict[str, Any]]) -> None:
    tracker = Tracker(config.load(None, database_url=url))
    try:
        with tracker.engine.begin() as conn:
            conn.execute(sa.insert(ObligationRow.__table__), rows)
    finally:
        tracker.close()


@pytest.fixture
def stored(db_url: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    rows = _rows(60)
    _store(db_url, rows)
    yield db_url, rows


def _orm_records(url: str, f: Filters) -> list[dict[str, Any]]:
    """The oracle for `--json`: records built in Python from ORM rows, in the listing order."""
    tracker = Tracker(config.load(None, database_url=url))
    try:
        with tracker.repo() as repo:
            return [list_record(to_tracked(r)) for r in repo.query(f)]
    finally:
        tracker.close()


def _cli(url: str, home: Path) -> CLI:
    home.mkdir(exist_ok=True)
    return CLI(url, home, {**_clean_env(home, url), "TRACKER_TODAY": TODAY.isoformat(), "COLUMNS": "100"})


def test_json_lines_are_the_documented_records(
    stored: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    url, _ = stored
    r = _cli(url, tmp_path / "home")("list", "--json", "--status", "all")
    assert r.code == 0 and r.err == "", r.err
    lines = [json.loads(line) for line in r.out.splitlines()]
    assert all(tuple(line) == LIST_FIELDS for line in lines)
    expected = _orm_records(url, Filters())
    assert len(lines) == 60
    for got, want in zip(lines, expected, strict=True):
        assert got == want  # 1 == 1.0 in Python: a whole confidence may print either way
    assert any(line["tags"] == ["a,b", "café"] for line in lines)
    assert "café — naïve ☂ 日本語" in r.out  # non-ASCII printed as itself, not escaped


@pytest.mark.postgres
def test_both_backends_print_the_same_bytes(pg_url: str, tmp_path: Path) -> None:
    lite = f"sqlite:///{tmp_path / 'lite.db'}"
    rows = _rows(60)
    _store(lite, rows)
    _store(pg_url, rows)
    for args in (["--json", "--status", "all"], ["--csv", "--status", "all"], ["--status", "all"], []):
        outs = [_cli(u, tmp_path / f"home{i}")("list", *args) for i, u in enumerate((lite, pg_url))]
        assert all(o.code == 0 and o.err == "" for o in outs), [o.err for o in outs]
        assert outs[0].out == outs[1].out, args


def test_lean_and_general_ways_print_the_same(
    stored: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    url, _ = stored
    cli = _cli(url, tmp_path / "home")
    general = tmp_path / "general.toml"
    general.write_text("# any configuration file sends listings the general way\n", encoding="utf-8")
    for args in (
        ["--json", "--status", "all"],
        ["--csv"],
        ["--actor", "commerce"],
        ["--overdue"],
        ["--next", "60d"],
    ):
        lean, full = cli("list", *args), cli("list", *args, extra_env={"TRACKER_CONFIG": str(general)})
        assert lean.code == full.code == 0, (lean.err, full.err)
        assert lean.out == full.out, args
        assert lean.out.strip()


# --- filters against a plain Python oracle ------------------------------------------------------------


def _oracle(rows: list[dict[str, Any]], f: Filters) -> list[str]:
    def keep(r: dict[str, Any]) -> bool:
        due = r["due_date"]
        if f.status and r["status"] not in f.status:
            return False
        if (f.dated_only or f.due_before or f.due_after) and due is None:
            return False
        if (f.due_before and due > f.due_before) or (f.due_after and due < f.due_after):
            return False
        if f.actor and f.actor.lower() not in r["actor"].lower():
            return False
        if f.instrument and (r["instrument"] or "").lower() != f.instrument.lower():
            return False
        return not (f.tag and f.tag not in json.loads(r["tags"]))

    chosen = sorted(
        (r for r in rows if keep(r)),
        key=lambda r: (r["due_date"] is None, r["due_date"] or dt.date.min, r["id"]),
    )
    return [r["id"] for r in chosen][: f.limit or None]


@pytest.fixture(scope="module")
def lite_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict[str, Any]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('listing') / 'filters.db'}"
    rows = _rows(80)
    _store(url, rows)
    return url, rows


def _listed_ids(url: str, f: Filters, *, lean: bool) -> list[str]:
    tracker = Tracker(config.load(None, database_url=url))
    try:
        with open_listing(f, lean_url=url if lean else None, general=lambda: tracker) as found:
            return [row[0] for batch in found.rows() for row in batch]
    finally:
        tracker.close()


DATES = st.none() | st.dates(dt.date(2025, 12, 1), dt.date(2027, 3, 1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    due_before=DATES,
    due_after=DATES,
    actor=st.none() | st.sampled_from(["commerce", "STATE", "%", "_", "of_the", "50%", "é", "zzz", "/"]),
    instrument=st.none() | st.sampled_from(["EO 14001", "eo 14003", "EO 1400"]),
    tag=st.none() | st.sampled_from(["customs", "café", "a,b", 'q"x', "50%", "a"]),
    status=st.none()
    | st.lists(st.sampled_from(["open", "done", "waived", "revoked"]), min_size=1, max_size=3),
    dated_only=st.booleans(),
    limit=st.none() | st.integers(1, 90),
)
def test_filters_select_and_order_what_a_plain_filter_does(
    lite_store: tuple[str, list[dict[str, Any]]], **kw: Any
) -> None:
    url, rows = lite_store
    f = Filters(**{**kw, "status": tuple(kw["status"]) if kw["status"] else None})
    want = _oracle(rows, f)
    assert _listed_ids(url, f, lean=True) == want
    assert _listed_ids(url, f, lean=False) == want


def test_the_general_way_orders_the_orm_listing_the_same(
    lite_store: tuple[str, list[dict[str, Any]]],
) -> None:
    url, rows = lite_store
    for f in (
        Filters(),
        Filters(status=("open",)),
        Filters(actor="general", limit=7),
        Filters(dated_only=True),
    ):
        assert [r["id"] for r in _orm_records(url, f)] == _oracle(rows, f)


# --- when the lean way is taken -----------------------------------------------------------------------


def test_lean_connect_declines_what_it_cannot_read(tmp_path: Path, lite_store: tuple[str, Any]) -> None:
    assert listing.lean_connect(f"sqlite:///{tmp_path / 'missing.db'}") is None
    assert not (tmp_path / "missing.db").exists()  # never creates one: the general way does
    for url in (
        "sqlite://",
        "sqlite:///:memory:",
        "mysql://u@h/db",
        "sqlite:///~/x.db",
        "sqlite:///a.db?mode=ro",
    ):
        assert listing.lean_connect(url) is None, url
    old = tmp_path / "old.db"
    old.write_bytes(Path(lite_store[0].removeprefix("sqlite:///")).read_bytes())
    import sqlite3

    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
    assert listing.lean_connect(f"sqlite:///{old}") is None  # behind: the general way migrates it
    found = listing.lean_connect(lite_store[0])
    assert found is not None and found[1] == "sqlite"
    found[0].close()


def test_an_old_database_is_migrated_by_the_listing(tmp_path: Path, lite_store: tuple[str, Any]) -> None:
    import sqlite3

    old = tmp_path / "old.db"
    old.write_bytes(Path(lite_store[0].removeprefix("sqlite:///")).read_bytes())
    legacy = json.dumps(["café", "a,b"])  # as 0002 stored tags: ", " between items, non-ASCII escaped
    with sqlite3.connect(old) as conn:
        conn.execute("DROP INDEX ix_obligation_listing")
        conn.execute("DROP INDEX ix_obligation_list_json")
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
        conn.execute("UPDATE obligation SET tags = ? WHERE tags <> '[]'", (legacy,))
    r = _cli(f"sqlite:///{old}", tmp_path / "home")("list", "--json", "--tag", "café")
    assert r.code == 0, r.err
    tagged = [row for row in lite_store[1] if row["tags"] != "[]" and row["status"] == "open"]
    assert len(r.out.splitlines()) == len(tagged) > 0
    assert '"tags":["café","a,b"]' in r.out
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(listing.HEAD,)]
        for index in ("ix_obligation_listing", "ix_obligation_list_json"):
            assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (index,)).fetchall()
        assert {t for (t,) in conn.execute("SELECT tags FROM obligation")} == {
            "[]",
            tags_text(["café", "a,b"]),
        }


def test_lean_environment_names_only_settings_that_cannot_be_invalid() -> None:
    """Each variable the lean way tolerates is a plain string setting (or not configuration at all)."""
    from pydantic import SecretStr

    from tracker.cli.app import LEAN_ENV

    not_settings = {"TRACKER_NOW", "TRACKER_TODAY", "TRACKER_DATABASE_URL"}  # read by the CLI itself
    for name in LEAN_ENV - not_settings:
        section, _, key = name.removeprefix("TRACKER_").lower().partition("__")
        model = config.Settings if not key else config.Settings.model_fields[section].annotation
        field = model.model_fields[key or section]  # type: ignore[union-attr]
        assert field.annotation in (str, SecretStr, SecretStr | None, str | None), (name, field.annotation)


def test_lean_url_is_declined_by_any_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.cli.app import State

    for key in [k for k in __import__("os").environ if k.upper().startswith("TRACKER_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    state = State(db="sqlite:///x.db")
    assert state.lean_url() == "sqlite:///x.db"
    assert (
        State().lean_url() == f"sqlite:///{tmp_path / 'data' / 'regulatory-deadline-tracker' / 'tracker.db'}"
    )
    monkeypatch.setenv("TRACKER_SMTP__PASSWORD", "secret")
    assert state.lean_url() == "sqlite:///x.db"
    monkeypatch.setenv("TRACKER_SMTP__PORT", "25")
    assert state.lean_url() is None
    monkeypatch.delenv("TRACKER_SMTP__PORT")
    assert dataclasses.replace(state, config="my.toml").lean_url() is None
    user = tmp_path / "cfg" / "regulatory-deadline-tracker" / "tracker.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[smtp]\nhost = 'mail'\n", encoding="utf-8")
    assert state.lean_url() is None


# --- the table ----------------------------------------------------------------------------------------


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300), st.integers(1, 60))
def test_wrap_keeps_every_word_in_order_within_the_width(text: str, width: int) -> None:
    lines = list_view.wrap(text, width)
    if len(text) <= width:
        assert lines == [text]
        return
    assert all(len(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _table(url: str, monkeypatch: pytest.MonkeyPatch, out: io.StringIO, columns: int = 80) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("TRACKER_TODAY", TODAY.isoformat())
    with open_listing(Filters(status=("open", "done")), lean_url=url, general=lambda: None) as found:  # type: ignore[arg-type, return-value]
        list_view.table(found, out)
    return out.getvalue()


def test_table_fits_the_terminal_and_marks_overdue_rows(
    lite_store: tuple[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, rows = lite_store
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    plain = _table(url, monkeypatch, io.StringIO())
    assert "\x1b" not in plain  # never colour into a pipe
    body = plain.splitlines()
    assert body[0].split() == ["ID", "Due", "Left", "Status", "Instrument", "Actor:", "duty"]
    assert all(len(line) <= 80 for line in body)
    listed = _oracle(rows, Filters(status=("open", "done")))
    assert [line.split()[0] for line in body[1:-1] if line[:1] != " "] == listed
    late = sum(1 for r in rows if r["status"] == "open" and r["due_date"] and r["due_date"] < TODAY)
    assert body[-1].startswith(f"{len(listed)} deadline(s), {late} overdue")
    assert "\x01" not in plain and "\t" not in plain  # control characters blanked
    coloured = _table(url, monkeypatch, _Terminal())
    assert coloured.count("\x1b[1;31m") >= late > 0
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in _table(url, monkeypatch, _Terminal())
    narrow = _table(url, monkeypatch, io.StringIO(), columns=40)
    assert all(line.strip() for line in narrow.splitlines())  # still laid out: the duty column keeps 20


def test_empty_listing_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    cli = _cli(url, tmp_path / "home")
    assert cli("db", "upgrade").code == 0
    assert cli("list").out == "No deadlines match.\n"
    assert cli("list", "--json").out == ""
    assert cli("list", "--csv").out.splitlines() == [",".join(LIST_FIELDS)]


def test_sqlite_reads_list_lines_off_their_index(lite_store: tuple[str, Any]) -> None:
    """Migration 0003 indexes the very expression `json_sql` selects: the lines are read, not built."""
    import sqlite3

    with sqlite3.connect(lite_store[0].removeprefix("sqlite:///")) as conn:
        for f in (Filters(status=("open",)), Filters(status=("done",), due_before=TODAY)):
            for sql, params in listing.json_sql(f, "sqlite"):
                plan = " ".join(str(step[-1]) for step in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
                assert "ix_obligation_list_json" in plan, plan
                assert "TEMP B-TREE" not in plan, plan  # and never sorted


def test_a_bad_fixed_date_is_one_line_exit_5_both_ways(stored: tuple[str, Any], tmp_path: Path) -> None:
    url, _ = stored
    cli = _cli(url, tmp_path / "home")
    general = tmp_path / "general.toml"
    general.write_text("", encoding="utf-8")
    for extra in ({}, {"TRACKER_CONFIG": str(general)}):
        r = cli("list", extra_env={"TRACKER_TODAY": "someday", **extra})
        assert r.code == 5 and r.out == "", (r.code, r.out)
        assert r.err == "tracker: TRACKER_NOW/TRACKER_TODAY: not an ISO 8601 date or time: 'someday'\n"


def test_lines_built_in_python_are_the_databases_bytes(
    stored: tuple[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SQLite without JSON functions gets its lines from `listing.json_line`: the same bytes."""
    url, _ = stored

    def lines() -> list[str]:
        tracker = Tracker(config.load(None, database_url=url))
        try:
            with open_listing(Filters(), lean_url=None, general=lambda: tracker) as found:
                return [line for batch in found.json_lines() for line in batch]
        finally:
            tracker.close()

    from_database = lines()
    monkeypatch.setattr(listing, "has_json_functions", lambda conn: False)
    assert lines() == from_database
    assert len(from_database) == 60

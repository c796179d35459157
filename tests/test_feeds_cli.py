"""Private feeds and the static export, through the CLI as a user runs it and through the service.

Backends are the `db_url`/`cli` fixture parameters (SQLite and PostgreSQL). Obligation rows are
written through the store, so these tests do not depend on the extractor; one test runs the seed
article end to end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from sqlmodel import select

from tests.conftest import CLI
from tests.test_feeds_parsers import (
    T0,
    add_obligations,
    icaljs,
    obligation_values,
    parse_icalendar,
    parse_vobject,
    tracker_on,
)
from tracker.errors import NotFound, UsageError
from tracker.service import Tracker
from tracker.service import feeds as service
from tracker.store.repository import Filters
from tracker.store.tables import FeedRow, ObligationRow


def _create(cli: CLI, *args: str) -> dict:
    r = cli("feeds", "create", *args, "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_create_shows_the_token_once_and_stores_its_hash(cli: CLI) -> None:
    created = _create(cli, "Customs team", "--actor", "homeland", "--status", "open")
    token = created["token"]
    assert created["name"] == "Customs team"
    assert created["url"] == f"http://127.0.0.1:8000/feeds/{token}.ics"
    assert len(token) >= 43 and set(token) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )

    with tracker_on(cli.db) as tracker, tracker.repo() as repo:
        [row] = repo.session.exec(select(FeedRow)).all()
        assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
        assert token not in json.dumps(row.model_dump(mode="json"))
        assert json.loads(row.filters) == {"actor": "homeland", "status": ["open"]}

    human = cli("feeds", "create", "Second", "--todo")
    assert human.code == 0, human.err
    [url] = human.out.splitlines()  # stdout holds the URL alone; the advice goes to stderr
    assert url.startswith("http://127.0.0.1:8000/feeds/") and url.endswith(".ics")
    assert "not shown again" in human.err

    for args in (("feeds", "list"), ("feeds", "list", "--json")):
        listed = cli(*args)
        assert listed.code == 0, listed.err
        assert token not in listed.out + listed.err
        assert url.rsplit("/", 1)[1].removesuffix(".ics") not in listed.out
    records = [json.loads(x) for x in cli("feeds", "list", "--json").out.splitlines()]
    assert [(r["name"], r["todo"], r["file"], r["revoked"]) for r in records] == [
        ("Customs team", False, "customs-team.ics", None),
        ("Second", True, "second.ics", None),
    ]


def test_feed_names_and_errors(cli: CLI) -> None:
    """Exit codes: a taken name is a usage error (2); revoking an unknown feed is not found (3)."""
    _create(cli, "customs")
    taken = cli("feeds", "create", "customs")
    assert (taken.code, taken.out) == (2, "")
    assert taken.err == "tracker: customs: a feed has this name; choose another\n"

    revoked = cli("feeds", "revoke", "customs")
    assert revoked.code == 0, revoked.err
    again = cli("feeds", "create", "customs")
    assert again.code == 2
    assert again.err == "tracker: customs: a revoked feed keeps this name; choose another\n"

    unknown = cli("feeds", "revoke", "nope")
    assert (unknown.code, unknown.err) == (3, "tracker: nope: no such feed\n")
    bad_status = cli("feeds", "create", "x", "--status", "sleeping")
    assert bad_status.code == 2 and len(bad_status.err.splitlines()) == 1
    listed = [json.loads(x) for x in cli("feeds", "list", "--json").out.splitlines()]
    assert [(r["name"], r["revoked"] is not None) for r in listed] == [("customs", True)]


def test_export_all_writes_every_active_feed_atomically(cli: CLI, tmp_path: Path) -> None:
    with tracker_on(cli.db) as tracker:
        add_obligations(
            tracker,
            obligation_values("a1b2c3d4e5"),
            obligation_values("f6g7h8i9j0", actor="Secretary of Commerce", tags=json.dumps(["trade"])),
            obligation_values("k1l2m3n4o5", due_date=None, computed_due=None),
        )
    homeland = _create(cli, "Homeland (DHS)", "--actor", "homeland")
    commerce = _create(cli, "Commerce", "--tag", "trade", "--todo")
    _create(cli, "all")  # cannot take all.ics from the unfiltered calendar
    out = tmp_path / "export"

    r = cli("feed", "--out", str(out), "--all")
    assert r.code == 0, r.err
    files = sorted(p.name for p in out.iterdir())
    assert files == [".tracker-export.json", "all-3.ics", "all.ics", "commerce.ics", "homeland-dhs.ics"]
    for token in (homeland["token"], commerce["token"]):
        assert all(token not in p.name and token.encode() not in p.read_bytes() for p in out.iterdir())

    def uids(name: str) -> list[str]:
        return sorted(e["uid"].split("@")[0] for e in parse_icalendar((out / name).read_bytes())["items"])

    assert uids("all.ics") == ["a1b2c3d4e5", "f6g7h8i9j0"]  # dated ones only
    assert uids("homeland-dhs.ics") == ["a1b2c3d4e5"]
    assert uids("commerce.ics") == ["f6g7h8i9j0"]
    assert b"BEGIN:VTODO" in (out / "commerce.ics").read_bytes()
    assert b"NAME:Regulatory deadlines: Homeland (DHS)" in (out / "homeland-dhs.ics").read_bytes()
    parse_vobject((out / "commerce.ics").read_bytes())

    # Unchanged feeds are not rewritten: their mtime stays a true Last-Modified for a web server.
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.ics")}
    assert cli("feed", "--out", str(out), "--all").code == 0
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.ics")} == before

    # A revoked feed's file goes at the next export; files we did not write stay.
    (out / "mine.ics").write_text("not ours")
    assert cli("feeds", "revoke", "Commerce").code == 0
    assert cli("feed", "--out", str(out), "--all").code == 0
    assert sorted(p.name for p in out.glob("*.ics")) == [
        "all-3.ics",
        "all.ics",
        "homeland-dhs.ics",
        "mine.ics",
    ]
    assert not list(out.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["feed", "--all", "--actor", "x", "--out", "{tmp}"],
            2,
            "tracker: --all: exports the feeds as they were",
        ),
        (["feed", "--all"], 5, "tracker: feeds.export_dir: no export directory"),
        (["feed", "--out", "{tmp}"], 2, "tracker: {tmp}: is a directory: give a file name"),
        (
            ["feed", "--all", "--out", "{tmp}/file.txt/sub"],
            4,
            "tracker: {tmp}/file.txt/sub: cannot create the export directory: Not a directory",
        ),
    ],
)
def test_export_usage_errors(
    sqlite_cli: CLI, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    (tmp_path / "file.txt").write_text("x")
    r = sqlite_cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert r.code == code, r.err
    assert r.err.startswith(message.replace("{tmp}", str(tmp_path))) and len(r.err.splitlines()) == 1


def test_revoke_refreshes_a_configured_export(db_url: str, tmp_path: Path) -> None:
    with tracker_on(db_url, export_dir=str(tmp_path / "public")) as tracker:
        service.create(tracker, "Team", Filters())
        paths = service.export_feeds(tracker)
        assert [p.name for p in paths] == ["all.ics", "team.ics"]
        service.revoke(tracker, "Team")
        assert sorted(p.name for p in (tmp_path / "public").glob("*.ics")) == ["all.ics"]
        with pytest.raises(NotFound):
            service.revoke(tracker, "Nobody")


@pytest.mark.parametrize(
    ("names", "files"),
    [
        (["Customs", "customs", "CUSTOMS!"], ["customs", "customs-2", "customs-3"]),
        (["customs", "customs-2", "Customs"], ["customs", "customs-2", "customs-3"]),
        (["Customs 2", "customs", "CUSTOMS"], ["customs-2", "customs", "customs-3"]),
        (["all", "ALL"], ["all-1", "all-2"]),
        (["東京", "Zoë's feed", "../../etc/passwd"], ["feed", "zoe-s-feed", "etc-passwd"]),
    ],
)
def test_export_file_names_are_stable_slugs(names: list[str], files: list[str]) -> None:
    """Assigned in creation order, revoked feeds included: later feeds never take an earlier one's file."""
    rows = [FeedRow(id=n, name=name, token_sha256=str(n)) for n, name in enumerate(names, 1)]
    assert [service.file_names(rows)[r.id] for r in rows if r.id] == files
    assert service.file_names(rows[:1]) == {1: files[0]}


def test_feed_by_token_follows_changes_and_never_goes_back(db_url: str) -> None:
    """Filters apply; SEQUENCE and Last-Modified follow a due-date change; UIDs stay; revoked is None."""
    now = [T0 + dt.timedelta(days=1)]
    with tracker_on(db_url, clock=lambda: now[0]) as tracker, tracker_on(db_url, name="Deadlines") as renamed:
        _follow_changes(tracker, renamed, now[0])


def _follow_changes(tracker: Tracker, renamed: Tracker, now: dt.datetime) -> None:
    add_obligations(
        tracker,
        obligation_values("a1b2c3d4e5"),
        obligation_values("f6g7h8i9j0", actor="Secretary of Commerce"),
    )
    token = service.create(tracker, "DHS", Filters(actor="homeland")).token
    first = service.for_token(tracker, token)
    assert first is not None and first.count == 1
    [event] = parse_icalendar(first.body)["items"]
    assert (event["uid"], event["sequence"], event["dtstart"]) == (
        "a1b2c3d4e5@deadlines.tracker.invalid",
        0,
        dt.date(2026, 11, 30),
    )
    assert first.last_modified == now.replace(microsecond=0)  # the feed's creation
    assert service.for_token(tracker, token) == first

    # A new due date, as `tracker set` records it: the same UID, SEQUENCE up, Last-Modified forward.
    moved_at = T0 + dt.timedelta(days=2, seconds=7)
    with tracker.repo() as repo:
        row = repo.session.get(ObligationRow, "a1b2c3d4e5")
        assert row is not None
        row.due_date, row.sequence, row.updated_at = dt.date(2026, 12, 14), row.sequence + 1, moved_at
        repo.session.add(row)
        tracker.touch_feeds(repo, moved_at)
    second = service.for_token(tracker, token)
    assert second is not None and second.etag != first.etag
    [event] = parse_icalendar(second.body)["items"]
    assert (event["uid"], event["sequence"], event["dtstart"]) == (
        "a1b2c3d4e5@deadlines.tracker.invalid",
        1,
        dt.date(2026, 12, 14),
    )
    assert second.last_modified == moved_at

    # New bytes without a newer row (another configured name): one second past the last answer.
    third = service.for_token(renamed, token)
    assert third is not None and third.etag != second.etag
    assert third.last_modified == moved_at + dt.timedelta(seconds=1)
    # The duty leaves the feed and nobody touched the feeds: still never backwards.
    with tracker.repo() as repo:
        row = repo.session.get(ObligationRow, "a1b2c3d4e5")
        assert row is not None
        row.actor, row.updated_at = "Attorney General", T0
        repo.session.add(row)
    fourth = service.for_token(renamed, token)
    assert fourth is not None and fourth.count == 0
    assert fourth.last_modified == moved_at + dt.timedelta(seconds=2)

    service.revoke(tracker, "DHS")
    assert service.for_token(tracker, token) is None
    for other in ("", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), "../" + token, token + "\n"):
        assert service.for_token(tracker, other) is None


def test_names_are_checked(db_url: str) -> None:
    with tracker_on(db_url) as tracker:
        for bad in ("", "   ", "bell\x07", "zero\u200bwidth", "x" * 121):
            with pytest.raises(UsageError):
                service.create(tracker, bad, Filters())
        assert service.create(tracker, "  spaced \t\n out ", Filters()).name == "spaced out"


@pytest.mark.node
def test_seed_end_to_end(cli: CLI, seed: Path, tmp_path: Path) -> None:
    """The seed article ingested, exported and subscribed; re-ingesting keeps every UID and byte;
    a due date set by hand keeps the UID and raises SEQUENCE."""
    r = cli("ingest", str(seed))
    assert r.code == 0, r.err
    first, second = tmp_path / "first.ics", tmp_path / "second.ics"
    r = cli("feed", "--out", str(first))
    assert r.code == 0, r.err
    data = first.read_bytes()
    [event] = parse_icalendar(data)["items"]
    assert event["dtstart"] == dt.date(2026, 11, 30)
    assert event["summary"].startswith("Secretary of Homeland Security: ")
    assert "180" in event["description"] and "2026-06-03" in event["description"]
    [vevent] = parse_vobject(data)["items"]
    assert vevent["uid"] == event["uid"]

    assert cli("ingest", str(seed)).code == 0
    assert cli("feed", "--out", str(second)).code == 0
    assert second.read_bytes() == data  # nothing changed: the same bytes, so the same ETag
    assert cli("ingest", str(seed), "--tag", "customs").code == 0
    assert cli("feed", "--out", str(second)).code == 0
    again = parse_icalendar(second.read_bytes())["items"]
    assert [e["uid"] for e in again] == [event["uid"]]
    assert again[0]["categories"] == ["customs"]

    _create(cli, "Customs", "--tag", "customs")
    out = tmp_path / "public"
    assert cli("feed", "--all", "--out", str(out)).code == 0
    parsed = icaljs(out / "customs.ics")
    assert [(e["uid"], e["dtstart"], e["sequence"]) for e in parsed["items"]] == [
        (event["uid"], {"value": "2026-11-30", "isDate": True}, 0)
    ]

    oid = event["uid"].split("@")[0]
    assert cli("set", oid, "--due", "2026-12-14", "--reason", "agency letter of 2026-07-01").code == 0
    assert cli("feed", "--all", "--out", str(out)).code == 0
    [moved] = parse_icalendar((out / "customs.ics").read_bytes())["items"]
    assert (moved["uid"], moved["dtstart"], moved["sequence"]) == (event["uid"], dt.date(2026, 12, 14), 1)
    assert "agency letter of 2026-07-01" in moved["description"]


def test_feed_command_writes_a_file(sqlite_cli: CLI, tmp_path: Path) -> None:
    with tracker_on(sqlite_cli.db) as tracker:
        add_obligations(tracker, obligation_values("a1b2c3d4e5", status="revoked", sequence=2))
    target = tmp_path / "deadlines.ics"
    r = sqlite_cli("feed", "--out", str(target))
    assert r.code == 0, r.err
    [event] = parse_icalendar(target.read_bytes())["items"]
    assert (event["status"], event["sequence"]) == ("CANCELLED", 2)
    stdout = sqlite_cli("feed").out  # read as text: universal newlines turned CRLF into LF
    assert stdout.encode() == target.read_bytes().replace(b"\r\n", b"\n")

"""Feeds read back by three independent parsers: icalendar, vobject and ical.js (under Node).

Also the shared material of the feed and web tests: the small fixed set of obligations, the
parsers as functions, and stored-row helpers (imported by test_feeds_* and test_web_*).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject

from tests.conftest import ON_CI, ROOT
from tracker import feeds
from tracker.config import Settings
from tracker.model import Anchor, AnchorKind, Status, Step, Tracked
from tracker.service import Tracker

NODE_DIR = ROOT / "tests" / "node"
UTC = dt.UTC
T0 = dt.datetime(2026, 6, 29, 14, 30, 5, tzinfo=UTC)
OPTIONS = feeds.FeedOptions(
    name="Regulatory deadlines", description="Due dates, with why", uid_domain="deadlines.example.org"
)


def tracked(oid: str, **over: Any) -> Tracked:
    """A stored obligation as feeds see it, with fixed timestamps; `over` replaces any field."""
    base: dict[str, Any] = {
        "id": oid,
        "instrument": "EO 14411",
        "kind": "executive_order",
        "actor": "Secretary of Homeland Security",
        "action": "revise importer-of-record rules",
        "deadline_text": "within 180 days of the date of this order",
        "anchor": Anchor(AnchorKind.ISSUED, dt.date(2026, 6, 3), "the date of this order"),
        "period": "P180D",
        "due_date": dt.date(2026, 11, 30),
        "recurrence": None,
        "status": Status.OPEN,
        "confidence": 0.93,
        "tags": ("customs",),
        "explanation": (
            Step("anchor", "EO 14411 was signed on 2026-06-03 (document metadata: issued)."),
            Step("period", "2026-06-03 + 180 calendar days = 2026-11-30."),
        ),
        "sequence": 0,
        "created_at": T0,
        "updated_at": T0,
        "quote": "The Secretary of Homeland Security shall, within 180 days of the date of this order, "
        "revise the importer-of-record rules.",
        "url": "https://www.example.gov/eo-14411",
        "title": "Executive Order 14411",
    }
    base.update(over)
    return Tracked(**base)


def _steps(days: str, due: str) -> tuple[Step, ...]:
    return (
        Step("anchor", "EO 14411 was signed on 2026-06-03 (document metadata: issued)."),
        Step("period", f"2026-06-03 + {days} = {due}."),
    )


def small() -> list[Tracked]:
    """The golden feed's obligations: one of each shape a subscriber can meet."""
    return [
        tracked("k7q2m9x4ab", tags=("customs", "trade, AI")),
        tracked(
            "r3vk8d2c1e",
            actor="Commissioner of U.S. Customs and Border Protection",
            action="publish guidance on AI-assisted entry; review it",
            deadline_text="within 90 days of the date of this order",
            explanation=_steps("90 calendar days", "2026-09-01"),
            due_date=dt.date(2026, 9, 1),
            status=Status.REVOKED,
            sequence=2,
            updated_at=T0 + dt.timedelta(days=3),
        ),
        tracked(
            "d0n3a7b5c9",
            actor="Secretary of Commerce",
            action="report to the President",
            deadline_text="within 120 days of the date of this order",
            explanation=_steps("120 calendar days", "2026-10-01"),
            due_date=dt.date(2026, 10, 1),
            status=Status.DONE,
            sequence=1,
            updated_at=T0 + dt.timedelta(days=40),
            url=None,
            title=None,
            tags=(),
        ),
        tracked(
            "y1e2a3r4l5",
            actor="Director of the Office of Management and Budget",
            action="report annually on progress",
            deadline_text="not later than 1 year after the date of this order, and annually thereafter",
            explanation=(
                *_steps("1 year", "2027-06-03"),
                Step("recurrence", "Then every year after 2027-06-03."),
            ),
            due_date=dt.date(2027, 6, 3),
            recurrence="FREQ=YEARLY",
            quote="Not later than 1 year after the date of this order, and annually thereafter, "
            "the Director shall report — über alles — on progress.",
        ),
        tracked(
            "o9v8e7r6d5",
            action="set the schedule by hand",
            due_date=dt.date(2026, 12, 15),
            override_due=dt.date(2026, 12, 15),
            override_reason="agency letter of 2026-07-01 extends the deadline",
            sequence=1,
        ),
        tracked("u0n1d2a3t4", due_date=None, action="act after the report is submitted"),
    ]


# Parsers -------------------------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def parse_icalendar(data: bytes) -> dict[str, Any]:
    """Parse with icalendar; no component may carry `.errors` (icalendar 7 records them, not raises)."""
    cal = icalendar.Calendar.from_ical(data)
    for comp in cal.walk():
        assert comp.errors == [], (comp.name, comp.errors)
    items = []
    for comp in cal.walk():
        if comp.name not in ("VEVENT", "VTODO"):
            continue
        start = comp.get("DTSTART")
        cats = comp.get("CATEGORIES")
        cat_props = cats if isinstance(cats, list) else [cats] if cats is not None else []
        items.append(
            {
                "kind": comp.name.lower(),
                "uid": _text(comp.get("UID")),
                "summary": _text(comp.get("SUMMARY")),
                "description": _text(comp.get("DESCRIPTION")),
                "dtstart": start.dt if start is not None else None,
                "is_date": start is not None and not isinstance(start.dt, dt.datetime),
                "due": comp["DUE"].dt if "DUE" in comp else None,
                "status": _text(comp.get("STATUS")),
                "sequence": int(comp["SEQUENCE"]) if "SEQUENCE" in comp else None,
                "categories": [str(c) for p in cat_props for c in p.cats],
                "url": _text(comp.get("URL")),
            }
        )
    # icalendar reads NAME and X-WR-CALNAME as unknown properties: their values come back still escaped.
    return {"name": _text(cal.get("NAME")), "calname": _text(cal.get("X-WR-CALNAME")), "items": items}


def parse_vobject(data: bytes) -> dict[str, Any]:
    cal = vobject.readOne(data.decode("utf-8"))
    items = []
    for comp in cal.getChildren():
        if comp.name not in ("VEVENT", "VTODO"):
            continue
        get = comp.contents.get
        start = get("dtstart")
        items.append(
            {
                "kind": comp.name.lower(),
                "uid": get("uid")[0].value,
                "summary": get("summary")[0].value,
                "description": get("description")[0].value,
                "dtstart": start[0].value if start else None,
                "status": get("status")[0].value,
                "sequence": int(get("sequence")[0].value),
                "categories": [c for p in get("categories", []) for c in p.value],
            }
        )
    return {"calname": cal.contents["x-wr-calname"][0].value, "items": items}


def icaljs(path: Path) -> dict[str, Any]:
    """Parse with ical.js through tests/node/parse.mjs; skips when Node or ical.js is absent (fails on CI)."""
    node = shutil.which("node")
    missing = (
        "Node.js is not installed"
        if node is None
        else "ical.js is not installed (cd tests/node && npm install)"
        if not (NODE_DIR / "node_modules" / "ical.js").is_dir()
        else None
    )
    if missing:
        if ON_CI:
            pytest.fail(missing + " (CI requires it)")
        pytest.skip(missing)
    assert node is not None
    proc = subprocess.run(
        [node, str(NODE_DIR / "parse.mjs"), str(path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# Stored rows ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def tracker_on(
    db_url: str, *, clock: Callable[[], dt.datetime] | None = None, **feed_settings: Any
) -> Iterator[Tracker]:
    """A Tracker on `db_url` with default settings (no user file) and optional [feeds] overrides.

    Its engine is disposed on exit, before the PostgreSQL fixture drops the database.
    """
    settings = Settings()
    settings = settings.model_copy(
        update={"database_url": db_url, "feeds": settings.feeds.model_copy(update=feed_settings)}
    )
    tracker = Tracker(settings, clock=clock) if clock else Tracker(settings)
    try:
        yield tracker
    finally:
        if tracker._engine is not None:
            tracker._engine.dispose()


def obligation_values(oid: str, **over: Any) -> dict[str, Any]:
    """Column values of one obligation row, for `Repository.add_obligation` (no extractor needed)."""
    values: dict[str, Any] = {
        "id": oid,
        "instrument": "EO 14411",
        "kind": "executive_order",
        "actor": "Secretary of Homeland Security",
        "action": "revise importer-of-record rules",
        "deadline_text": "within 180 days",
        "anchor_kind": "issued",
        "anchor_date": dt.date(2026, 6, 3),
        "period": "P180D",
        "computed_due": dt.date(2026, 11, 30),
        "due_date": dt.date(2026, 11, 30),
        "status": "open",
        "confidence": 0.9,
        "tags": json.dumps(["customs"]),
        "explanation": json.dumps([{"kind": "period", "text": "2026-06-03 + 180 days = 2026-11-30"}]),
        "sequence": 0,
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(over)
    return values


def add_obligations(tracker: Tracker, *rows: dict[str, Any]) -> None:
    with tracker.repo() as repo:
        for values in rows:
            assert repo.add_obligation(values)
        Tracker.touch_feeds(repo, max(v["updated_at"] for v in rows))


# Tests ---------------------------------------------------------------------------------------------
def _expected(items: list[Tracked]) -> list[dict[str, Any]]:
    dated = sorted((i for i in items if i.due_date), key=lambda i: (i.due_date, i.id))
    withdrawn = {Status.REVOKED, Status.SUPERSEDED, Status.WAIVED}
    return [
        {
            "uid": feeds.uid(i, OPTIONS),
            "summary": feeds.summary(i),
            "description": feeds.description(i),
            "dtstart": i.due_date,
            "status": "CANCELLED" if i.status in withdrawn else "CONFIRMED",
            "sequence": i.sequence,
            "categories": list(i.tags),
        }
        for i in dated
    ]


def test_small_feed_reads_the_same_in_icalendar_and_vobject() -> None:
    data = feeds.render(small(), OPTIONS)
    expected = _expected(small())
    ical = parse_icalendar(data)
    assert ical["name"] == ical["calname"] == OPTIONS.name
    assert [{k: e[k] for k in expected[0]} for e in ical["items"]] == expected
    assert all(e["is_date"] for e in ical["items"])
    vob = parse_vobject(data)
    assert vob["calname"] == OPTIONS.name
    assert [{k: e[k] for k in expected[0]} for e in vob["items"]] == expected


@pytest.mark.node
def test_small_feed_reads_the_same_in_icaljs(tmp_path: Path) -> None:
    path = tmp_path / "small.ics"
    path.write_bytes(feeds.render(small(), OPTIONS))
    parsed = icaljs(path)
    expected = _expected(small())
    got = [
        {
            "uid": e["uid"],
            "summary": e["summary"],
            "description": e["description"],
            "dtstart": dt.date.fromisoformat(e["dtstart"]["value"]),
            "status": e["status"],
            "sequence": e["sequence"],
            "categories": e["categories"],
        }
        for e in parsed["items"]
    ]
    assert got == expected
    assert all(e["dtstart"]["isDate"] and e["dtend"]["isDate"] for e in parsed["items"])
    assert parsed["refresh"] == "PT4H"
    assert [e["rrule"] for e in parsed["items"]].count("FREQ=YEARLY") == 1


# Text no parser may read differently: separators, escapes, line breaks, controls, markup, scripts.
HOSTILE = [
    "a, b; c: d",
    "C:\\New folder\\nested\\N\\\\n",
    "ends with a backslash \\",
    "line one\nline two\r\nline three\rline four",
    "BEGIN:VEVENT\nATTACH:https://evil.example/x\nEND:VEVENT",
    "\r\nATTACH;VALUE=BINARY;ENCODING=BASE64:AAAA",
    "<script>alert('x')</script> &amp; \"quoted\"",
    "Zoë, Łódź — 東京; emoji 🗓️ and combining e\u0301",
    "tab\there, bell\x07, nul\x00, vertical\x0btab, form\x0cfeed, del\x7f",
    "separators \u2028 \u2029 \x85 are text",
    "é" * 80 + "\\" + "n" * 3,
    ";;;,,,\\\\\\:::",
]


def _hostile_items() -> list[Tracked]:
    return [
        tracked(
            f"h{n:09d}",
            actor=s,
            action=s[::-1],
            quote=s,
            title=s,
            tags=(s, "plain"),
            explanation=(Step("note", s),),
            url="https://example.org/a?b=" + s,
        )
        for n, s in enumerate(HOSTILE)
    ]


def test_hostile_text_reads_back_in_icalendar_and_vobject() -> None:
    items = _hostile_items()
    data = feeds.render(items, OPTIONS)
    for parsed in (parse_icalendar(data)["items"], parse_vobject(data)["items"]):
        assert len(parsed) == len(items)
        for got, item in zip(parsed, sorted(items, key=lambda i: i.id), strict=True):
            assert got["summary"] == feeds.clean_text(feeds.summary(item))
            assert got["description"] == feeds.clean_text(feeds.description(item))
            assert got["categories"] == [feeds.clean_text(t).strip() for t in item.tags]


@pytest.mark.node
def test_hostile_text_reads_back_in_icaljs(tmp_path: Path) -> None:
    items = _hostile_items()
    path = tmp_path / "hostile.ics"
    path.write_bytes(feeds.render(items, OPTIONS))
    parsed = icaljs(path)["items"]
    assert len(parsed) == len(items)
    for got, item in zip(parsed, sorted(items, key=lambda i: i.id), strict=True):
        assert got["summary"] == feeds.clean_text(feeds.summary(item))
        assert got["description"] == feeds.clean_text(feeds.description(item))
        assert got["categories"] == [feeds.clean_text(t).strip() for t in item.tags]
        assert got["url"] == feeds.uri(item.url)
        assert "\n" not in got["url"] and " " not in got["url"]


@pytest.mark.node
def test_todo_mode_reads_back_in_icaljs(tmp_path: Path) -> None:
    path = tmp_path / "todo.ics"
    path.write_bytes(feeds.render(small(), OPTIONS, todo=True))
    parsed = icaljs(path)["items"]
    assert {e["kind"] for e in parsed} == {"vtodo"}
    by_uid = {e["uid"].split("@")[0]: e for e in parsed}
    assert by_uid["d0n3a7b5c9"]["status"] == "COMPLETED"
    assert by_uid["r3vk8d2c1e"]["status"] == "CANCELLED"
    assert by_uid["k7q2m9x4ab"]["status"] == "NEEDS-ACTION"
    assert by_uid["k7q2m9x4ab"]["due"] == {"value": "2026-11-30", "isDate": True}
    assert by_uid["k7q2m9x4ab"]["dtstart"] is None
    assert by_uid["y1e2a3r4l5"]["dtstart"] == by_uid["y1e2a3r4l5"]["due"]  # a recurring to-do has both

"""The defining case end to end, as a user runs it: EO 14411's 180-day duty, due 2026-11-30.

Runs on SQLite and PostgreSQL (the `cli` fixture is parametrized over both backends).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import icalendar

from tests.conftest import CLI


def _list(cli: CLI) -> list[dict]:
    r = cli("list", "--json")
    assert r.code == 0, r.err
    return [json.loads(line) for line in r.out.splitlines()]


def test_seed_ingest_list_show_feed(cli: CLI, seed: Path, tmp_path: Path) -> None:
    r = cli("ingest", str(seed))
    assert r.code == 0, r.err
    assert "1 new obligation" in r.out

    rows = _list(cli)
    assert len(rows) == 1
    row = rows[0]
    assert row["due_date"] == "2026-11-30"
    assert row["period"] == "P180D"
    assert row["instrument"] == "EO 14411"
    assert row["actor"] == "Secretary of Homeland Security"
    assert "importer-of-record" in row["action"]
    assert row["anchor"]["kind"] == "issued"
    assert row["anchor"]["date"] == "2026-06-03"  # the signing date, not the article's 2026-06-29
    assert row["status"] == "open"

    table = cli("list")
    assert table.code == 0 and "2026-11-30" in table.out and row["id"] in table.out

    shown = cli("show", row["id"], "--json")
    assert shown.code == 0, shown.err
    detail = json.loads(shown.out)
    steps = " ".join(s["text"] for s in detail["explanation"])
    assert "2026-06-03" in steps and "180" in steps and "2026-11-30" in steps
    # The summary and the body both state the duty: one obligation, two mentions.
    assert len(detail["mentions"]) == 2
    text = seed.read_text(encoding="utf-8")
    for m in detail["mentions"]:
        assert "180" in m["quote"]
        assert m["document"] == str(seed)
    assert all(m["quote"].replace("**", "") for m in detail["mentions"])
    assert "Executive Order 14411" in text
    assert detail["history"][0]["action"] == "ingest"

    human = cli("show", row["id"][:6])
    assert human.code == 0, human.err
    assert "2026-06-03" in human.out and "2026-11-30" in human.out

    out = tmp_path / "deadlines.ics"
    f = cli("feed", "--out", str(out))
    assert f.code == 0, f.err
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    ev = events[0]
    start = ev.decoded("dtstart")
    assert type(start) is dt.date and start == dt.date(2026, 11, 30)  # all-day, not a datetime
    assert ev.decoded("dtend") == dt.date(2026, 12, 1)
    assert str(ev["uid"]).startswith(row["id"] + "@")
    assert "Secretary of Homeland Security" in str(ev["summary"])


def test_reingest_changes_nothing(cli: CLI, seed: Path) -> None:
    assert cli("ingest", str(seed)).code == 0
    before = _list(cli)
    hist_before = json.loads(cli("show", before[0]["id"], "--json").out)
    again = cli("ingest", str(seed))
    assert again.code == 0, again.err
    assert "0 new obligation" in again.out and "1 unchanged" in again.out
    assert _list(cli) == before
    hist_after = json.loads(cli("show", before[0]["id"], "--json").out)
    assert hist_after == hist_before


def test_bad_batch_keeps_good_files_and_names_bad_ones(cli: CLI, seed: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "Truncated', encoding="utf-8")
    missing = tmp_path / "nope.txt"
    r = cli("ingest", str(broken), str(seed), str(missing))
    assert r.code == 4
    lines = [ln for ln in r.err.splitlines() if ln.startswith("tracker: ")]
    assert any(str(broken) in ln for ln in lines)
    assert any(str(missing) in ln for ln in lines)
    assert "Traceback" not in r.err
    assert len(_list(cli)) == 1  # the good file in the middle was still ingested

"""Turning service results into text: Rich tables for people, JSON lines and CSV for programs.

`--json` shapes are the documented contract (DESIGN.md section 5); machine output goes to stdout
alone, progress and colour to stderr.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any

from tracker.model import Tracked
from tracker.serialize import anchor_dict, iso

LIST_FIELDS = (
    "id",
    "instrument",
    "actor",
    "action",
    "deadline_text",
    "anchor",
    "period",
    "due_date",
    "recurrence",
    "status",
    "tags",
    "confidence",
)


def list_record(t: Tracked) -> dict[str, Any]:
    return {
        "id": t.id,
        "instrument": t.instrument,
        "actor": t.actor,
        "action": t.action,
        "deadline_text": t.deadline_text,
        "anchor": anchor_dict(t.anchor),
        "period": t.period,
        "due_date": iso(t.due_date),
        "recurrence": t.recurrence,
        "status": t.status.value,
        "tags": list(t.tags),
        "confidence": t.confidence,
    }


def show_record(t: Tracked, history: Sequence[Any]) -> dict[str, Any]:
    out = list_record(t)
    out["explanation"] = [s.as_dict() for s in t.explanation]
    out["computed_due_date"] = iso(t.computed_due)
    out["override"] = (
        {"due_date": iso(t.override_due), "reason": t.override_reason} if t.override_due else None
    )
    out["sequence"] = t.sequence
    out["flags"] = list(t.flags)
    out["mentions"] = [
        {
            "document": m.document,
            "title": m.title,
            "url": m.url,
            "quote": m.quote,
            "start": m.start,
            "end": m.end,
            "role": m.role,
            "deadline_text": m.deadline_text,
            "due_date": iso(m.due_date),
        }
        for m in t.mentions
    ]
    out["history"] = [history_record(h) for h in history]
    return out


def history_record(h: Any) -> dict[str, Any]:
    return {
        "at": h.at.isoformat() if h.at else None,
        "who": h.who,
        "action": h.action,
        "field": h.field_name,
        "old": h.old,
        "new": h.new,
        "reason": h.reason,
    }


def json_lines(records: Sequence[dict[str, Any]]) -> None:
    out = sys.stdout
    for r in records:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")


def csv_rows(items: Sequence[Tracked]) -> None:
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(LIST_FIELDS)
    for t in items:
        r = list_record(t)
        r["anchor"] = f"{t.anchor.kind.value}:{iso(t.anchor.date) or ''}"
        r["tags"] = ";".join(t.tags)
        w.writerow([r[k] if r[k] is not None else "" for k in LIST_FIELDS])


def days_left(due: dt.date | None, today: dt.date) -> str:
    if due is None:
        return "—"
    n = (due - today).days
    if n < 0:
        return f"{-n}d overdue"
    return "today" if n == 0 else f"{n}d"


def table(items: Sequence[Tracked], today: dt.date) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=False)
    if not items:
        console.print("No deadlines match.")
        return
    t = Table(show_lines=False, expand=False, pad_edge=False)
    t.add_column("ID", no_wrap=True)
    t.add_column("Due", no_wrap=True)
    t.add_column("Left", no_wrap=True, justify="right")
    t.add_column("Instrument", overflow="fold", max_width=12)
    t.add_column("Actor", overflow="fold", max_width=22)
    t.add_column("Duty", overflow="fold")
    for item in items:
        style = (
            "bold red" if item.due_date and item.due_date < today and item.status.value == "open" else None
        )
        due = iso(item.due_date) or "awaiting"
        if item.override_due:
            due += "*"
        t.add_row(
            item.id,
            due,
            days_left(item.due_date, today),
            item.instrument or "",
            item.actor,
            item.action if item.status.value == "open" else f"[{item.status.value}] {item.action}",
            style=style,
        )
    console.print(t)


def detail(t: Tracked, history: Sequence[Any], today: dt.date) -> None:
    from rich.console import Console
    from rich.markup import escape

    c = Console(soft_wrap=True)
    c.print(f"[bold]{escape(t.id)}[/bold]  {escape(t.actor)}: {escape(t.action)}")
    c.print(
        f"Instrument: {escape(t.instrument or 'unknown')}   Status: {t.status.value}   "
        f"Confidence: {t.confidence:.2f}"
    )
    due = iso(t.due_date) or "not yet known (awaiting the event it counts from)"
    c.print(f"Due: [bold]{due}[/bold] ({days_left(t.due_date, today)})   Deadline: {escape(t.deadline_text)}")
    if t.recurrence:
        c.print(f"Repeats: {escape(t.recurrence)}")
    c.print("\n[bold]Why this date[/bold]")
    for i, s in enumerate(t.explanation, 1):
        c.print(f"  {i}. {escape(s.text)}")
    if t.override_due:
        reason = escape(t.override_reason or "")
        c.print(f"  {len(t.explanation) + 1}. Set by hand to {iso(t.override_due)}: {reason}")
    c.print("\n[bold]Sources[/bold]")
    for m in t.mentions:
        where = m.url or m.document
        claim = f" — says due {iso(m.due_date)}" if m.due_date != t.due_date else ""
        c.print(
            f"  [{m.role}] {escape(m.title or m.document)} ({escape(where)}), chars {m.start}-{m.end}{claim}"
        )
        c.print(f"    “{escape(m.quote)}”")
    if history:
        c.print("\n[bold]History[/bold]")
        for h in history:
            change = f"{h.field_name}: {h.old or '—'} → {h.new or '—'}" if h.field_name else ""
            c.print(
                f"  {h.at:%Y-%m-%d %H:%M} {escape(h.who)} {h.action} {escape(change)}"
                + (f" ({escape(h.reason)})" if h.reason else "")
            )

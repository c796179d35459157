"""Turning service results into text: Rich for people, JSON lines for programs (`list`: list_view.py).

`--json` shapes are the documented contract (DESIGN.md section 5); machine output goes to stdout
alone, progress and colour to stderr. Text for people fits the terminal's width (80 columns too):
long fields wrap inside their column, ids and dates never do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Mapping, Sequence
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


def show_record(
    t: Tracked, history: Sequence[Any], documents: Mapping[int, str] | None = None, **extra: Any
) -> dict[str, Any]:
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
    out["history"] = [history_record(h, documents) for h in history]
    for key, value in extra.items():
        out[key] = iso(value) if isinstance(value, dt.date) else value
    return out


def history_record(h: Any, documents: Mapping[int, str] | None = None) -> dict[str, Any]:
    return {
        "at": h.at.isoformat() if h.at else None,
        "who": h.who,
        "action": h.action,
        "field": h.field_name,
        "old": h.old,
        "new": h.new,
        "reason": h.reason,
        "document": (documents or {}).get(h.document_id) if h.document_id is not None else None,
    }


def json_lines(records: Sequence[dict[str, Any]]) -> None:
    out = sys.stdout
    for r in records:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")


def days_left(due: dt.date | None, today: dt.date) -> str:
    if due is None:
        return "—"
    n = (due - today).days
    if n < 0:
        return f"{-n}d late"
    return "today" if n == 0 else f"{n}d"


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """Document text made safe for a terminal: control characters (ESC sequences, OSC links) become spaces."""
    return _CONTROL.sub(" ", text)


def _cell(text: str) -> Any:
    """A table cell holding document text literally: never read as Rich markup."""
    from rich.text import Text

    return Text(plain(text))


def _row(c: Any, prefix: str, markup: str) -> None:
    """`prefix` then text wrapped to the terminal, continuation lines aligned under the text."""
    from rich.text import Text

    text = Text.from_markup(plain(markup))
    for i, line in enumerate(text.wrap(c, max(20, c.width - len(prefix)), overflow="fold")):
        line.rstrip()
        c.print(Text(prefix if i == 0 else " " * len(prefix)) + line, soft_wrap=True)


def detail(
    t: Tracked,
    history: Sequence[Any],
    today: dt.date,
    *,
    completed_on: dt.date | None = None,
    anchor_ref: str | None = None,
    dependents: Sequence[str] = (),
) -> None:
    from rich.markup import escape

    c = _console()
    _row(c, "", f"[bold]{escape(t.id)}[/bold]  {escape(t.actor)}: {escape(t.action)}")
    status = t.status.value + (f" on {iso(completed_on)}" if completed_on else "")
    _row(
        c,
        "",
        f"Instrument: {escape(t.instrument or 'unknown')}   Status: {status}   "
        f"Confidence: {t.confidence:.2f}",
    )
    if t.due_date is None:
        due = "not yet known (awaiting the event it counts from)"
    else:
        due = f"[bold]{iso(t.due_date)}[/bold] ({days_left(t.due_date, today)})"
        if t.override_due:
            due += f", set by hand; computed {iso(t.computed_due) or 'undated'}"
    _row(c, "Due: ", due)
    _row(c, "Deadline: ", escape(t.deadline_text))
    if anchor_ref:
        _row(c, "", f"Counts from the completion of {escape(anchor_ref)}")
    if dependents:
        _row(c, "", f"Deadlines counting from its completion: {', '.join(dependents)}")
    if t.recurrence:
        _row(c, "Repeats: ", escape(t.recurrence))
    if t.tags:
        _row(c, "Tags: ", escape(", ".join(t.tags)))
    c.print("\n[bold]Why this date[/bold]")
    for i, s in enumerate(t.explanation, 1):
        _row(c, f"  {i}. ", escape(s.text))
    c.print("\n[bold]Sources[/bold] (what each one says; the primary text wins)")
    for m in t.mentions:
        claim = iso(m.due_date) or "no date"
        if m.due_date != t.due_date:
            claim += " (differs from the due date: " + (
                "see why above)" if m.role == "primary" else "the primary text wins)"
            )
        _row(c, "  ", escape(f"[{m.role}] {m.title or m.document}"))
        _row(c, "    ", f"{escape(m.url or m.document)}, chars {m.start}-{m.end}")
        _row(c, "    ", f"says: {escape(m.deadline_text or '?')} → {claim}")
        _row(c, "    ", f"“{escape(m.quote)}”")
    if history:
        c.print("\n[bold]History[/bold]")
        history_text(history, console=c)


def history_text(history: Sequence[Any], *, console: Any = None) -> None:
    from rich.markup import escape

    c = console or _console()
    if not history:
        c.print("  No history.")
        return
    for h in history:
        change = f" {h.field_name}: {h.old or '—'} → {h.new or '—'}" if h.field_name else ""
        why = f" ({h.reason})" if h.reason else ""
        _row(c, f"  {h.at:%Y-%m-%d %H:%M} ", escape(f"{h.who} {h.action}{change}{why}"))


def edits(result_id: str, changes: Sequence[Any], *, nothing: str) -> None:
    """What a lifecycle command changed, one line per field; `nothing` when it changed nothing."""
    c = _console()
    if not changes:
        c.print(f"{result_id}: {nothing}")
        return
    for e in changes:
        if e.old is None and e.new is not None and e.field in ("note", "amend", "revoke", "supersede"):
            c.print(f"{e.id}: {e.field}: {e.new}", markup=False)
        else:
            c.print(f"{e.id}: {e.field} {e.old or '—'} → {e.new or '—'}", markup=False)


def stats_text(s: Any) -> None:
    from rich.table import Table

    c = _console()
    n = s.by_status
    _row(
        c,
        "",
        f"{s.total} duties: {n.get('open', 0)} open ({s.overdue} overdue, {s.awaiting} awaiting an event), "
        f"{n.get('done', 0)} done, {n.get('waived', 0)} waived, {n.get('revoked', 0)} revoked, "
        f"{n.get('superseded', 0)} superseded",
    )
    for title, counts in (
        ("Open by month due", s.by_month),
        ("Open by actor", s.by_actor),
        ("Open by instrument", s.by_instrument),
    ):
        if not counts:
            continue
        t = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False, title_justify="left")
        t.add_column(title, overflow="fold", header_style="bold")
        t.add_column("Count", justify="right", no_wrap=True, header_style="bold")
        for key, n in counts.items():
            t.add_row(_cell(key), str(n))
        c.print()
        c.print(t)
